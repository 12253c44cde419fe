import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';

describe('error table', () => {
  it('every code is documented in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(errors.SDK_ERROR_CODES)) expect(readme, code).toContain(code);
  });

  it('every error class carries its code and class name', () => {
    const made: errors.InferenceSDKError[] = [
      new errors.HTTPCallError('d', 'm', 400),
      new errors.ConnectionError('c'),
      new errors.InvalidInputFormatError('i'),
      new errors.InvalidModelIdentifier('i'),
      new errors.ModelNotInitializedError('m'),
      new errors.ModelTaskTypeNotSupportedError('m'),
      new errors.ModelNotSelectedError(),
      new errors.APIKeyNotProvided(),
      new errors.WrongClientModeError('w'),
      new errors.InvalidParameterError('p'),
    ];
    expect(new Set(made.map((e) => e.code))).toEqual(new Set(Object.keys(errors.SDK_ERROR_CODES)));
    for (const e of made) {
      expect(e).toBeInstanceOf(Error);
      expect(errors.isInferenceSDKError(e)).toBe(true);
      expect(e.name).toBe(e.constructor.name);
    }
  });

  it('maskApiKey hides query values and literal keys', () => {
    expect(errors.maskApiKey('http://h/a/1?api_key=abc&confidence=0.5')).toBe(
      'http://h/a/1?api_key=***&confidence=0.5',
    );
    expect(errors.maskApiKey('{"api_key":"abc"} Bearer abc', 'abc')).toBe('{"api_key":"***"} Bearer ***');
  });
});
