export {loadWhiteBoxModel, readWhiteBoxPlan, type WhiteBoxLoadOptions} from "./load-white-box-model.js";
