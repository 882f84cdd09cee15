/** Reasoning analyses: pass@k and support, calibration, subthoughts, answer extraction, verifiers, multiple choice. */
export {passAtK, passAtKClosedForm, passAtKCurve, coverage as passCoverage, majorityAnswer, majorityAtK, defaultKs} from "./pass-at-k.js";
export {supportSummary, supportThreshold, type ProblemSupport, type SupportCategory, type SupportSummary} from "./support.js";
export {calibrationSummary, type CalibrationBin, type CalibrationItem, type CalibrationSummary} from "./calibration.js";
export {
    answerDistribution,
    defaultCueWords,
    splitSubthoughts,
    subthoughtBoundaries,
    summarizeSubthoughts,
    type AnswerDistribution,
    type SubthoughtItemVerdict,
    type SubthoughtSummary,
} from "./subthoughts.js";
export {subthoughtItem, type SubthoughtItem, type SubthoughtSettings} from "./subthought-analysis.js";
export {
    answerExtractor,
    answerExtractorNames,
    boxedAnswer,
    canonicalAnswer,
    lastNumberAnswer,
    letterAnswer,
    markerAnswer,
    parseNumber,
    type AnswerExtractor,
    type AnswerExtractorName,
} from "./answers.js";
export {exactVerifier, numericVerifier, numbersEquivalent, type Verifier, type VerifierInput, type VerifierVerdict} from "./verifiers.js";
export {confidenceItem, summarizeConfidence, type ConfidenceItem, type ConfidenceSummary, type ConfidenceVerdict} from "./confidence.js";
export {compareItem, summarizeCompare, type CompareSettings, type CompareSummary, type CompareVerdict, type ModelSamples} from "./compare.js";
export {backendReasoningModel, type ReasoningModel} from "./reasoning-model.js";
export {checkOptions, chooseOption, optionLetters, questionBlock, type OptionChoice} from "./multiple-choice.js";
