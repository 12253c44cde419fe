import { describeErrorDocs } from '../../../testing/error-docs.js';
import { PIPELINE_ERROR_CODES } from './internal/errors.js';

describeErrorDocs(PIPELINE_ERROR_CODES);
