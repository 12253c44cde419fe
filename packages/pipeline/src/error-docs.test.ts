import { describeErrorDocs } from '../../../testing/error-docs.js';
import { PIPELINE_ERROR_CODES } from './errors.js';

describeErrorDocs(PIPELINE_ERROR_CODES);
