/** Datasets: the JSONL item format and its parser. */
export {parseDatasetItem, datasetItem, type DatasetItem} from "./item.js";
export {parseJsonlDataset, type MalformedLine, type ParsedDataset} from "./jsonl.js";
