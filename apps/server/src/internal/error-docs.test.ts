import { describeErrorDocs } from '../../../../testing/error-docs.js';
import { SERVER_ERROR_CODES } from './errors.js';

describeErrorDocs(SERVER_ERROR_CODES);
