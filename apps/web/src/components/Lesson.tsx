/** Placeholder: being built (issue 11). The top bar's "Lesson" button and the lesson panel. */
export function LessonButton() {
  return null;
}
export function LessonPanel() {
  return null;
}
