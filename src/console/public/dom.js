/* global document */
// Elements are built with textContent only: barcodes and notes are untrusted text.

/** `el('td', {className: 'x'}, 'text', child)`: properties are assigned, children appended. */
export function el(tag, properties = {}, ...children) {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

export function byId(id) {
  return document.getElementById(id);
}

/** A table with a caption, or a line saying there is nothing, when `rows` is empty. */
export function table(caption, headings, rows, empty) {
  if (!rows.length) return el('p', { className: 'hint' }, empty);
  const head = el('tr', {}, ...headings.map((h) => el('th', { scope: 'col' }, h)));
  const body = rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell))));
  return el(
    'div',
    { className: 'table-wrap' },
    el('table', {}, el('caption', {}, caption), el('thead', {}, head), el('tbody', {}, ...body)),
  );
}

const FORMAT = { dateStyle: 'short', timeStyle: 'medium' };

export function localTime(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, FORMAT) : '';
}

export function localDate(iso) {
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}
