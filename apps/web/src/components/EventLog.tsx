/** Placeholder: being built (issue 11/15). */
export function EventLog() {
  return null;
}
