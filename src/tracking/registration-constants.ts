// The carrier row that stands for "let 17TRACK detect it" (migrations/0006): a number no rule recognises is still
// registered, with this carrier, and 17TRACK's decision is recorded when it answers.
export const AUTO_CARRIER_CODE = "auto";
