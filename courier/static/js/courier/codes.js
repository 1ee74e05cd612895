/* What a scanned text means, without the camera: small, so the round's code (which
 * recognises a typed or scanned code) does not have to load the scanner to start.
 *
 *   parseCccd(text)    -> the fields of a chip ID card's QR, or null
 *   maskIdNumber(id)   -> "********1234" (as the server's identity.masked_tail), or null
 *   classifyCode(text) -> {kind: "citizen_link" | "cccd" | "uuid" | "dossier_code", ...} or null
 *   sha256Hex(text)    -> Promise<lowercase hex>
 */
const CCCD_NUMBER = /^\d{12}$/;
const OLD_ID_NUMBER = /^(\d{9}|\d{12})$/;
const DDMMYYYY = /^(\d{2})(\d{2})(\d{4})$/;

function isoDate(ddmmyyyy) {
  const match = DDMMYYYY.exec(ddmmyyyy);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${match[3]}-${match[2]}-${match[1]}`;
}

/**
 * The QR on the back of a chip ID card (CCCD):
 *   12-digit number|old 9-digit number or empty|full name|DDMMYYYY birth|gender|address|DDMMYYYY issue
 * -> {idNumber, oldIdNumber (null when empty), fullName, birthDate, gender, address, issueDate},
 * dates as YYYY-MM-DD; null for anything else.
 */
export function parseCccd(text) {
  if (typeof text !== "string") return null;
  const fields = text.trim().split("|").map((field) => field.trim().normalize("NFC"));
  if (fields.length !== 7) return null;
  const [idNumber, oldIdNumber, fullName, birth, gender, address, issue] = fields;
  if (!CCCD_NUMBER.test(idNumber)) return null;
  if (oldIdNumber && !OLD_ID_NUMBER.test(oldIdNumber)) return null;
  if (!fullName || !gender) return null;
  const birthDate = isoDate(birth);
  const issueDate = isoDate(issue);
  if (!birthDate || !issueDate || issueDate < birthDate) return null;
  return {
    idNumber,
    oldIdNumber: oldIdNumber || null,
    fullName: fullName.replace(/\s+/g, " "),
    birthDate,
    gender,
    address,
    issueDate,
  };
}

/**
 * All but the last four digits hidden, as the server keeps it: "********1234" for a
 * 12-digit CCCD, "*****4567" for a 9-digit CMND. Spaces, dots and dashes are ignored;
 * null for anything that is not 9 or 12 digits.
 */
export function maskIdNumber(idNumber) {
  const digits = String(idNumber ?? "").replace(/[\s.\-]/g, "");
  if (!OLD_ID_NUMBER.test(digits)) return null;
  return "*".repeat(digits.length - 4) + digits.slice(-4);
}

// One rule with the server (courier/domain/codes.py, classify_code), both checked against
// tests/vectors/scanned_codes.json. The label's QR: the citizen link, …/t/<token>
// (token_urlsafe: letters, digits, - and _).
const CITIZEN_LINK = /^[^\s?#]*\/t\/([A-Za-z0-9_-]+)\/?(?:[?#]\S*)?$/;
// A shipment UUID anywhere in the text (a shipment page's address, urn:uuid:…, SHIP:<uuid>;v=1).
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// National dossier codes are upper case: one typed in lower case (a phone keyboard) is upper-cased.
const NATIONAL_DOSSIER_CODE = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-[0-9]{6}-[0-9]{4,6}$/;

/**
 * What a scanned (or typed) text is, per docs/courier-sync.md, first match wins:
 *   {kind: "citizen_link", token}  …/t/<token>: sha256Hex(token) among citizen_token_hashes
 *   {kind: "cccd", card}           a chip ID card's QR; card as parseCccd gives it
 *   {kind: "uuid", uuid}           a UUID anywhere in the text, lowercased: compare with shipment_id
 *   {kind: "dossier_code", code}   otherwise the trimmed text (a national code upper-cased):
 *                                  equal to dossier_code
 * null for an empty text.
 */
export function classifyCode(text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) return null;
  const link = CITIZEN_LINK.exec(trimmed);
  if (link) return { kind: "citizen_link", token: link[1] };
  const card = parseCccd(trimmed);
  if (card) return { kind: "cccd", card };
  const uuid = UUID.exec(trimmed);
  if (uuid) return { kind: "uuid", uuid: uuid[0].toLowerCase() };
  const upper = trimmed.toUpperCase();
  return { kind: "dossier_code", code: NATIONAL_DOSSIER_CODE.test(upper) ? upper : trimmed };
}

/** SHA-256 of the UTF-8 text, as lowercase hex (the server's tokens.token_hash). */
export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(String(text)));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
