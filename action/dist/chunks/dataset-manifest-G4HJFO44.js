import { createRequire as bulkheadCreateRequire } from "node:module"; const require = bulkheadCreateRequire(import.meta.url);
import {
  MANIFEST_FILE,
  readDatasetManifest,
  writeDatasetManifest
} from "./chunk-D4V4ZQEB.js";
import "./chunk-OLN7TTNI.js";
export {
  MANIFEST_FILE,
  readDatasetManifest,
  writeDatasetManifest
};
