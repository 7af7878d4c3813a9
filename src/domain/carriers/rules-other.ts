// Detection rules for the remaining international couriers and regional networks that print layouts of their
// own (TNT, Packeta, UniUni, Aramex, Nova Poshta). Format only unless stated: no check digit is published.
import { type DetectionRule, formatRule } from "./rule.js";

// TNT consignment notes printed S10-style with the pseudo-country "WW" (no post uses it), or 9 bare digits.
const tntWw = formatRule("TNT ..WW (format only)", /^[A-Z]{2}\d{9}WW$/, [["tnt", 0.85]]);
const tnt9 = formatRule("TNT 9 digits (format only)", /^\d{9}$/, [["tnt", 0.2]]);

// Packeta (Zásilkovna) packet ids: "Z" + 10 digits.
const packeta = formatRule("Packeta Z + 10 digits (format only)", /^Z\d{10}$/, [["packeta", 0.8]]);

// UniUni (CA/US last mile): "UUS" + 15–18 alphanumerics.
const uniuni = formatRule("UniUni UUS prefix (format only)", /^UUS[0-9A-Z]{15,18}$/, [["uniuni", 0.85]]);

// Aramex air waybills: 10 or 11 bare digits.
const aramex = formatRule("Aramex 10-11 digits (format only)", /^\d{10,11}$/, [["aramex", 0.1]]);

// Nova Poshta express waybills: 14 digits starting 20 or 59.
const novaPoshta = formatRule("Nova Poshta 20/59 + 12 digits (format only)", /^(?:20|59)\d{12}$/, [
  ["nova-poshta", 0.3],
]);

export const OTHER_RULES: readonly DetectionRule[] = [tntWw, tnt9, packeta, uniuni, aramex, novaPoshta];
