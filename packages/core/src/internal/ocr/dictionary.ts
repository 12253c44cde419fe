import { readFileSync } from 'node:fs';
import { ModelError } from '../errors.js';

/**
 * Read a PaddleOCR character list (one character per line) into the CTC
 * alphabet: index 0 is the blank, then the file's characters, then a space,
 * which PaddleOCR appends when `use_space_char` is on.
 *
 * @param classCount the recogniser's output width; the alphabet must match it.
 * @example
 * loadCtcAlphabet(path, 6625) // ['', '\'', '疗', ..., ' ']  (length 6625)
 */
export function loadCtcAlphabet(path: string, classCount?: number): string[] {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_ARTEFACT', `cannot read the OCR dictionary ${path}`, { cause });
  }
  const chars = raw.split(/\r?\n/);
  // a trailing newline leaves one empty entry that is not a character
  if (chars.length > 0 && chars[chars.length - 1] === '') chars.pop();
  const alphabet = ['', ...chars, ' '];
  if (classCount !== undefined && alphabet.length !== classCount) {
    throw new ModelError(
      'CORE_ERR_MODEL_ARTEFACT',
      `OCR dictionary has ${chars.length} characters (+ blank + space = ${alphabet.length}) but the recogniser outputs ${classCount} classes`,
    );
  }
  return alphabet;
}
