import { describeErrorDocs } from '../../../testing/error-docs.js';
import { CORE_ERROR_CODES } from '../src/errors.js';

describeErrorDocs(CORE_ERROR_CODES);
