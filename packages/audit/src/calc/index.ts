export { calc } from './calc.js';
export {
  isCalcError,
  type CalcAnswer,
  type RiskAnswer,
  type SampleSizeAnswer,
  type SampleAnswer,
  type CalcErrorAnswer,
} from './response.js';
export {
  parseCalcRequest,
  METHODS,
  type CalcRequest,
  type CalcError,
  type Method,
  type ContestInput,
} from './request.js';
