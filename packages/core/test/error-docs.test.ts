import { describeErrorDocs } from '../../../testing/error-docs.js';
import { CORE_ERROR_CODES } from '../src/internal/errors.js';

describeErrorDocs(CORE_ERROR_CODES);
