// Who receives the result, and whether they are who the dossier says: the name
// (ignoring case and diacritics) and the tail of the ID number. Only the masked
// tail ever leaves this module; the full number stays in the form's memory.
import { maskIdNumber } from "./codes.js";

const MASK = "********";

/** "Trần Thị Bích Ngọc" and "TRAN THI BICH NGOC" compare equal. */
export function normaliseName(name) {
  return String(name || "").normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
}

export function sameName(a, b) {
  return normaliseName(a) === normaliseName(b);
}

/**
 * Check an ID number (scanned) or typed last digits against the dossier's expected tail.
 * Returns {masked, check, problem}: masked is "********1234" or null; check is "matched"
 * or "not_given" when fine; problem is "id_missing", "id_too_short" or "id_mismatch".
 */
export function checkId(digitsGiven, expectedTail) {
  const digits = String(digitsGiven || "").replace(/\D/g, "");
  // A whole number is masked as the server masks it (a 9-digit CMND keeps 5 stars: maskIdNumber,
  // tests/vectors/id_mask.json); typed last digits, of a number of unknown length, as a CCCD's.
  const masked = maskIdNumber(digits) || (digits.length >= 4 ? MASK + digits.slice(-4) : null);
  if (!expectedTail) return { masked, check: "not_given", problem: null };
  if (!digits) return { masked: null, check: null, problem: "id_missing" };
  if (digits.length < Math.max(4, expectedTail.length)) return { masked: null, check: null, problem: "id_too_short" };
  if (digits.endsWith(expectedTail)) return { masked, check: "matched", problem: null };
  return { masked, check: null, problem: "id_mismatch" };
}

/** The person the dossier names as receiver: the applicant, or one authorised person. */
export function expectedPerson(stop, relationship, personIndex) {
  if (relationship === "authorised") {
    const person = stop.authorised_persons[personIndex];
    return person ? { name: person.full_name, tail: person.expected_id_tail, relationship: person.relationship } : null;
  }
  return { name: stop.applicant_name, tail: stop.expected_id_tail, relationship: null };
}
