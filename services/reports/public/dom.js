/** Builds elements without innerHTML: every value from the API lands as text, never as markup. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'text') element.textContent = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) element.append(child);
  return element;
}

/** A comma- or newline-separated field as a list, blanks dropped. */
export const listOf = (text) =>
  text
    .split(/[,\n]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);

/** A datetime-local value (the browser's time) as an ISO instant, or undefined when empty. */
export const instantOf = (value) => (value === '' ? undefined : new Date(value).toISOString());
