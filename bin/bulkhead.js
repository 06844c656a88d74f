#!/usr/bin/env node
// The installed `bulkhead` command: the compiled CLI from dist/ (built by
// `npm install` through the package's prepare script).
import "../dist/cli/bin.js";
