/**
 * Credential redaction for everything that may reach a log, an event or an
 * error message: URL user-info becomes `***` and credential-like query values
 * become `***`.
 */

// scheme://user[:pass]@ — stop at the first '/', '?', '#' or whitespace so paths are left alone.
const USER_INFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const SECRET_QUERY =
  /([?&](?:user(?:name)?|pass(?:word)?|pwd|token|access_token|auth|authorization|api_?key|key|secret|sig|signature)=)[^&\s#]*/gi;

/**
 * Removes credentials from any text (a URL, an ffmpeg stderr line, a message).
 * @example
 * redactText('rtsp://admin:s3cret@10.0.0.2:554/live?token=abc');
 * // 'rtsp://***@10.0.0.2:554/live?token=***'
 */
export function redactText(text: string): string {
  return text.replace(USER_INFO, '$1***@').replace(SECRET_QUERY, '$1***');
}

/** A source reference as it may be shown: numbers (webcams) and paths unchanged, URLs redacted. */
export function redactReference(reference: string | number): string {
  return typeof reference === 'number' ? String(reference) : redactText(reference);
}
