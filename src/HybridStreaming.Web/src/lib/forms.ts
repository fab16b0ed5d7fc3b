// Form helpers shared by the pages: a ProblemDetails' field errors shown next to the fields they name.
import { ApiError } from './api';

/**
 * Shows a ProblemDetails' field errors in the form's `.field-error[data-for=…]` slots (field names in
 * camelCase); clears the slots first. Returns whether any error found its slot.
 */
export function fieldErrors(form: HTMLFormElement, error: unknown): boolean {
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) {
    slot.textContent = '';
  }
  if (!(error instanceof ApiError) || Object.keys(error.errors).length === 0) {
    return false;
  }
  let shown = false;
  for (const [field, messages] of Object.entries(error.errors)) {
    const slot = form.querySelector<HTMLElement>(`.field-error[data-for="${CSS.escape(field.charAt(0).toLowerCase() + field.slice(1))}"]`);
    if (slot) {
      slot.textContent = messages.join(' ');
      shown = true;
    }
  }
  return shown;
}

/** An error as one line for a person: a ProblemDetails' field messages when it has them, else its detail or title. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const messages = Object.values(error.errors).flat();
    return messages.length > 0 ? messages.join(' ') : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
