/** Units: splitting inputs into players and rendering coalitions back into prompts. */
export {SegmentedInput, segmentInput, documentHeader, defaultPlaceholder, type RenderOptions, type SegmentOptions} from "./segmented-input.js";
export {splitSentences, splitWords, splitLines, splitParagraphs, splitTokens, checkCustomSpans} from "./splitters.js";
export {renderWithRemovals, type RemovalMode} from "./render-text.js";
export {buildUnitHierarchy, defaultHierarchyLevels, type UnitHierarchy, type UnitTreeNode} from "./hierarchy.js";
export {unitKinds, type Unit, type UnitKind, type UnitSource, type StructuredInput, type DocumentInput, type TextSpan} from "./types.js";
