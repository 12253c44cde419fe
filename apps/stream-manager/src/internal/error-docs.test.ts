import { describeErrorDocs } from '../../../../testing/error-docs.js';
import { STREAM_ERROR_CODES } from './errors.js';

describeErrorDocs(STREAM_ERROR_CODES);
