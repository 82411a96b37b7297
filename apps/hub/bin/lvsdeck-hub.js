#!/usr/bin/env node
// Runs the bundled app; `npm run build` produces dist/main.js.
import "../dist/main.js";
