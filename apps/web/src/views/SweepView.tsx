/** Placeholder: being built (issue 11/15). */
export function SweepView() {
  return null;
}
