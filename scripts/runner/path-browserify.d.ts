// path-browserify ships no types: it is Node's posix `path`.
declare module "path-browserify" {
  import path = require("path");
  export = path.posix;
}
