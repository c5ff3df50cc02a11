export { Gpt4AllError, brandError } from './gpt4all-error.js';
