import { ImageInputError, InferenceError, ModelError } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { mapError, toValidationIssues } from './error-mapper.js';
import { ServerError } from './errors.js';

describe('mapError', () => {
  it.each([
    [
      new ImageInputError('CORE_ERR_IMAGE_DECODE', 'bad bytes'),
      400,
      { message: 'Could not load input image. Cause: bad bytes' },
      {},
    ],
    [
      new ModelError('CORE_ERR_MODEL_NOT_FOUND', 'x'),
      404,
      { message: 'Requested Roboflow resource not found. Cause: x' },
      {},
    ],
    [
      new InferenceError('CORE_ERR_API_UNREACHABLE'),
      503,
      { message: 'Internal error. Could not connect to Roboflow API.' },
      {},
    ],
    [
      new InferenceError('CORE_ERR_MODEL_NOT_LOADED'),
      503,
      { message: 'Model is temporarily not ready - retry request.' },
      { 'retry-after': '1' },
    ],
    [
      new InferenceError('CORE_ERR_MODEL_ARTEFACT', 'secret/path'),
      500,
      { message: 'Model package is broken.' },
      {},
    ],
    [new ServerError('SERVER_ERR_UNAUTHORIZED'), 401, { status: 401, message: 'Unauthorized api_key' }, {}],
    [
      new ServerError('SERVER_ERR_QUEUE_FULL', undefined, { retryAfter: 1 }),
      429,
      { message: expect.stringMatching(/Too many/) },
      { 'retry-after': '1' },
    ],
    [
      new ServerError('SERVER_ERR_CONTENT_TYPE_MISSING'),
      400,
      { message: 'Content-Type header not provided with request.' },
      {},
    ],
    [
      Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      413,
      { message: expect.any(String) },
      {},
    ],
    [new TypeError('boom at /internal/file.ts'), 500, { message: 'Internal error.' }, {}],
  ])('%s', (error, status, body, headers) => {
    const m = mapError(error, {});
    expect(m.status).toBe(status);
    expect(m.body).toEqual(body);
    expect(m.headers).toEqual(headers);
  });

  it('internal is set only for unexpected server-side failures', () => {
    expect(mapError(new TypeError('x'), {}).internal).toBe(true);
    expect(mapError(new InferenceError('CORE_ERR_MODEL_NOT_LOADED'), {}).internal).toBe(false);
    expect(mapError(new ImageInputError('CORE_ERR_IMAGE_EMPTY'), {}).internal).toBe(false);
  });
});

describe('toValidationIssues (FastAPI 422 detail)', () => {
  it('maps required, type and enum errors with loc and input', () => {
    const issues = toValidationIssues(
      [
        { keyword: 'required', instancePath: '', params: { missingProperty: 'model_id' } },
        { keyword: 'type', instancePath: '/max_detections', params: { type: 'integer' } },
        {
          keyword: 'enum',
          instancePath: '/response_mask_format',
          params: { allowedValues: ['polygon', 'rle'] },
        },
      ],
      'body',
      { max_detections: 'many', response_mask_format: 'png' },
    );
    expect(issues).toEqual([
      {
        type: 'missing',
        loc: ['body', 'model_id'],
        msg: 'Field required',
        input: { max_detections: 'many', response_mask_format: 'png' },
      },
      {
        type: 'int_type',
        loc: ['body', 'max_detections'],
        msg: 'Input should be a valid integer',
        input: 'many',
      },
      {
        type: 'enum',
        loc: ['body', 'response_mask_format'],
        msg: "Input should be 'polygon' or 'rle'",
        input: 'png',
      },
    ]);
  });

  it('reports query problems under "query" and drops a union error explained by a deeper one', () => {
    expect(
      toValidationIssues(
        [{ keyword: 'type', instancePath: '/stroke', params: { type: 'integer' } }],
        'querystring',
        { stroke: 'x' },
      )[0].loc,
    ).toEqual(['query', 'stroke']);
    const issues = toValidationIssues(
      [
        { keyword: 'required', instancePath: '/image', params: { missingProperty: 'type' } },
        { keyword: 'type', instancePath: '/image', params: { type: 'array' }, message: 'must be array' },
        { keyword: 'anyOf', instancePath: '/image', params: {} },
      ],
      'body',
      { image: { value: 'x' } },
    );
    expect(issues.map((i) => i.loc)).toEqual([['body', 'image', 'type']]);
  });
});
