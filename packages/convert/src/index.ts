export { convertModel } from './convert-model.js';
export type { ConvertOptions, ConvertOutType, ConvertResult } from './convert-model.js';
export { prepareConverterEnvironment } from './converter-environment.js';
export type { ConverterEnvironment, ConverterEnvironmentOptions } from './converter-environment.js';
export { ConvertError } from './convert-error.js';
export type { ConvertErrorCode } from './convert-error.js';
