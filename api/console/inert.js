// Text from telemetry is attacker-influenced: characters that change how text around them is shown — bidi
// controls (`invoice\u202Efdp.exe` displays as `invoice…exe.pdf`), C0/C1 controls (terminal escape
// sequences), invisible and separator characters — are shown as what they are, e.g. `⟨U+202E⟩`. Tabs
// and line feeds stay. Shared by the console and the CLI, so both show the same thing.

const HIDDEN =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

const codePoint = (c) => `⟨U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`;

/**
 * `text` with every hidden or reordering character made visible.
 * @param {string} text
 * @returns {string}
 */
export function inert(text) {
  return String(text).replace(HIDDEN, codePoint);
}
