/** Placeholder: being built (issue 11/15). */
export function PageInspector() {
  return null;
}
