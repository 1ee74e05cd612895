// Reading the shell: its translated strings and <template>s, and filling them in.
// No user-visible text is written here; it all comes from the shell, in the courier's language.

const root = document.getElementById("courier-app");
const strings = JSON.parse(document.getElementById("courier-strings").textContent);
const THOUSANDS = root.dataset.locale === "vi" ? "." : ",";

/** A translated string with its {placeholders} filled in. */
export function t(key, values = {}) {
  let text = strings[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** The label of a shipment state, as the server names it in the courier's language. */
export function stateLabel(state) {
  return strings.states[state] || state;
}

/** Whole đồng grouped by thousands, as the server writes them: "1.250.000 ₫". */
export function money(amount) {
  return `${String(Math.trunc(amount || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, THOUSANDS)} ₫`;
}

/** A fresh copy of a <template>'s element. */
export function clone(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export function slot(element, name) {
  return element.querySelector(`[data-slot="${name}"]`);
}

export function ref(element, name) {
  return element.querySelector(`[data-ref="${name}"]`);
}

/** Set the text of each [data-slot] named in `values`. */
export function fill(element, values) {
  for (const [name, value] of Object.entries(values)) {
    element.querySelectorAll(`[data-slot="${name}"]`).forEach((node) => { node.textContent = value ?? ""; });
  }
}

/** Show a message in a slot (or hide the slot when the message is empty). */
export function say(node, message) {
  node.textContent = message || "";
  node.hidden = !message;
}

/** The page-wide notice under the status bar. */
export function notify(message) {
  say(document.getElementById("notice"), message);
}

export function ownerName() {
  return root.dataset.owner;
}

/** Add radio options (from tpl-option) to a fieldset. */
export function addOptions(fieldset, name, options) {
  for (const { value, label } of options) {
    const option = clone("tpl-option");
    const input = option.querySelector("input");
    input.name = name;
    input.value = value;
    slot(option, "label").textContent = label;
    fieldset.append(option);
  }
}
