import { createRequire as bulkheadCreateRequire } from "node:module"; const require = bulkheadCreateRequire(import.meta.url);
import {
  __commonJS,
  __toESM
} from "./chunk-OLN7TTNI.js";

// node_modules/bintrees/lib/treebase.js
var require_treebase = __commonJS({
  "node_modules/bintrees/lib/treebase.js"(exports, module) {
    function TreeBase() {
    }
    TreeBase.prototype.clear = function() {
      this._root = null;
      this.size = 0;
    };
    TreeBase.prototype.find = function(data) {
      var res = this._root;
      while (res !== null) {
        var c = this._comparator(data, res.data);
        if (c === 0) {
          return res.data;
        } else {
          res = res.get_child(c > 0);
        }
      }
      return null;
    };
    TreeBase.prototype.findIter = function(data) {
      var res = this._root;
      var iter = this.iterator();
      while (res !== null) {
        var c = this._comparator(data, res.data);
        if (c === 0) {
          iter._cursor = res;
          return iter;
        } else {
          iter._ancestors.push(res);
          res = res.get_child(c > 0);
        }
      }
      return null;
    };
    TreeBase.prototype.lowerBound = function(item) {
      var cur = this._root;
      var iter = this.iterator();
      var cmp = this._comparator;
      while (cur !== null) {
        var c = cmp(item, cur.data);
        if (c === 0) {
          iter._cursor = cur;
          return iter;
        }
        iter._ancestors.push(cur);
        cur = cur.get_child(c > 0);
      }
      for (var i = iter._ancestors.length - 1; i >= 0; --i) {
        cur = iter._ancestors[i];
        if (cmp(item, cur.data) < 0) {
          iter._cursor = cur;
          iter._ancestors.length = i;
          return iter;
        }
      }
      iter._ancestors.length = 0;
      return iter;
    };
    TreeBase.prototype.upperBound = function(item) {
      var iter = this.lowerBound(item);
      var cmp = this._comparator;
      while (iter.data() !== null && cmp(iter.data(), item) === 0) {
        iter.next();
      }
      return iter;
    };
    TreeBase.prototype.min = function() {
      var res = this._root;
      if (res === null) {
        return null;
      }
      while (res.left !== null) {
        res = res.left;
      }
      return res.data;
    };
    TreeBase.prototype.max = function() {
      var res = this._root;
      if (res === null) {
        return null;
      }
      while (res.right !== null) {
        res = res.right;
      }
      return res.data;
    };
    TreeBase.prototype.iterator = function() {
      return new Iterator(this);
    };
    TreeBase.prototype.each = function(cb) {
      var it = this.iterator(), data;
      while ((data = it.next()) !== null) {
        if (cb(data) === false) {
          return;
        }
      }
    };
    TreeBase.prototype.reach = function(cb) {
      var it = this.iterator(), data;
      while ((data = it.prev()) !== null) {
        if (cb(data) === false) {
          return;
        }
      }
    };
    function Iterator(tree) {
      this._tree = tree;
      this._ancestors = [];
      this._cursor = null;
    }
    Iterator.prototype.data = function() {
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype.next = function() {
      if (this._cursor === null) {
        var root = this._tree._root;
        if (root !== null) {
          this._minNode(root);
        }
      } else {
        if (this._cursor.right === null) {
          var save;
          do {
            save = this._cursor;
            if (this._ancestors.length) {
              this._cursor = this._ancestors.pop();
            } else {
              this._cursor = null;
              break;
            }
          } while (this._cursor.right === save);
        } else {
          this._ancestors.push(this._cursor);
          this._minNode(this._cursor.right);
        }
      }
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype.prev = function() {
      if (this._cursor === null) {
        var root = this._tree._root;
        if (root !== null) {
          this._maxNode(root);
        }
      } else {
        if (this._cursor.left === null) {
          var save;
          do {
            save = this._cursor;
            if (this._ancestors.length) {
              this._cursor = this._ancestors.pop();
            } else {
              this._cursor = null;
              break;
            }
          } while (this._cursor.left === save);
        } else {
          this._ancestors.push(this._cursor);
          this._maxNode(this._cursor.left);
        }
      }
      return this._cursor !== null ? this._cursor.data : null;
    };
    Iterator.prototype._minNode = function(start) {
      while (start.left !== null) {
        this._ancestors.push(start);
        start = start.left;
      }
      this._cursor = start;
    };
    Iterator.prototype._maxNode = function(start) {
      while (start.right !== null) {
        this._ancestors.push(start);
        start = start.right;
      }
      this._cursor = start;
    };
    module.exports = TreeBase;
  }
});

// node_modules/bintrees/lib/rbtree.js
var require_rbtree = __commonJS({
  "node_modules/bintrees/lib/rbtree.js"(exports, module) {
    var TreeBase = require_treebase();
    function Node(data) {
      this.data = data;
      this.left = null;
      this.right = null;
      this.red = true;
    }
    Node.prototype.get_child = function(dir) {
      return dir ? this.right : this.left;
    };
    Node.prototype.set_child = function(dir, val) {
      if (dir) {
        this.right = val;
      } else {
        this.left = val;
      }
    };
    function RBTree(comparator) {
      this._root = null;
      this._comparator = comparator;
      this.size = 0;
    }
    RBTree.prototype = new TreeBase();
    RBTree.prototype.insert = function(data) {
      var ret2 = false;
      if (this._root === null) {
        this._root = new Node(data);
        ret2 = true;
        this.size++;
      } else {
        var head = new Node(void 0);
        var dir = 0;
        var last = 0;
        var gp = null;
        var ggp = head;
        var p = null;
        var node = this._root;
        ggp.right = this._root;
        while (true) {
          if (node === null) {
            node = new Node(data);
            p.set_child(dir, node);
            ret2 = true;
            this.size++;
          } else if (is_red(node.left) && is_red(node.right)) {
            node.red = true;
            node.left.red = false;
            node.right.red = false;
          }
          if (is_red(node) && is_red(p)) {
            var dir2 = ggp.right === gp;
            if (node === p.get_child(last)) {
              ggp.set_child(dir2, single_rotate(gp, !last));
            } else {
              ggp.set_child(dir2, double_rotate(gp, !last));
            }
          }
          var cmp = this._comparator(node.data, data);
          if (cmp === 0) {
            break;
          }
          last = dir;
          dir = cmp < 0;
          if (gp !== null) {
            ggp = gp;
          }
          gp = p;
          p = node;
          node = node.get_child(dir);
        }
        this._root = head.right;
      }
      this._root.red = false;
      return ret2;
    };
    RBTree.prototype.remove = function(data) {
      if (this._root === null) {
        return false;
      }
      var head = new Node(void 0);
      var node = head;
      node.right = this._root;
      var p = null;
      var gp = null;
      var found = null;
      var dir = 1;
      while (node.get_child(dir) !== null) {
        var last = dir;
        gp = p;
        p = node;
        node = node.get_child(dir);
        var cmp = this._comparator(data, node.data);
        dir = cmp > 0;
        if (cmp === 0) {
          found = node;
        }
        if (!is_red(node) && !is_red(node.get_child(dir))) {
          if (is_red(node.get_child(!dir))) {
            var sr = single_rotate(node, dir);
            p.set_child(last, sr);
            p = sr;
          } else if (!is_red(node.get_child(!dir))) {
            var sibling = p.get_child(!last);
            if (sibling !== null) {
              if (!is_red(sibling.get_child(!last)) && !is_red(sibling.get_child(last))) {
                p.red = false;
                sibling.red = true;
                node.red = true;
              } else {
                var dir2 = gp.right === p;
                if (is_red(sibling.get_child(last))) {
                  gp.set_child(dir2, double_rotate(p, last));
                } else if (is_red(sibling.get_child(!last))) {
                  gp.set_child(dir2, single_rotate(p, last));
                }
                var gpc = gp.get_child(dir2);
                gpc.red = true;
                node.red = true;
                gpc.left.red = false;
                gpc.right.red = false;
              }
            }
          }
        }
      }
      if (found !== null) {
        found.data = node.data;
        p.set_child(p.right === node, node.get_child(node.left === null));
        this.size--;
      }
      this._root = head.right;
      if (this._root !== null) {
        this._root.red = false;
      }
      return found !== null;
    };
    function is_red(node) {
      return node !== null && node.red;
    }
    function single_rotate(root, dir) {
      var save = root.get_child(!dir);
      root.set_child(!dir, save.get_child(dir));
      save.set_child(dir, root);
      root.red = true;
      save.red = false;
      return save;
    }
    function double_rotate(root, dir) {
      root.set_child(!dir, single_rotate(root.get_child(!dir), !dir));
      return single_rotate(root, dir);
    }
    module.exports = RBTree;
  }
});

// node_modules/bintrees/lib/bintree.js
var require_bintree = __commonJS({
  "node_modules/bintrees/lib/bintree.js"(exports, module) {
    var TreeBase = require_treebase();
    function Node(data) {
      this.data = data;
      this.left = null;
      this.right = null;
    }
    Node.prototype.get_child = function(dir) {
      return dir ? this.right : this.left;
    };
    Node.prototype.set_child = function(dir, val) {
      if (dir) {
        this.right = val;
      } else {
        this.left = val;
      }
    };
    function BinTree(comparator) {
      this._root = null;
      this._comparator = comparator;
      this.size = 0;
    }
    BinTree.prototype = new TreeBase();
    BinTree.prototype.insert = function(data) {
      if (this._root === null) {
        this._root = new Node(data);
        this.size++;
        return true;
      }
      var dir = 0;
      var p = null;
      var node = this._root;
      while (true) {
        if (node === null) {
          node = new Node(data);
          p.set_child(dir, node);
          ret = true;
          this.size++;
          return true;
        }
        if (this._comparator(node.data, data) === 0) {
          return false;
        }
        dir = this._comparator(node.data, data) < 0;
        p = node;
        node = node.get_child(dir);
      }
    };
    BinTree.prototype.remove = function(data) {
      if (this._root === null) {
        return false;
      }
      var head = new Node(void 0);
      var node = head;
      node.right = this._root;
      var p = null;
      var found = null;
      var dir = 1;
      while (node.get_child(dir) !== null) {
        p = node;
        node = node.get_child(dir);
        var cmp = this._comparator(data, node.data);
        dir = cmp > 0;
        if (cmp === 0) {
          found = node;
        }
      }
      if (found !== null) {
        found.data = node.data;
        p.set_child(p.right === node, node.get_child(node.left === null));
        this._root = head.right;
        this.size--;
        return true;
      } else {
        return false;
      }
    };
    module.exports = BinTree;
  }
});

// node_modules/bintrees/index.js
var require_bintrees = __commonJS({
  "node_modules/bintrees/index.js"(exports, module) {
    module.exports = {
      RBTree: require_rbtree(),
      BinTree: require_bintree()
    };
  }
});

// node_modules/tdigest/tdigest.js
var require_tdigest = __commonJS({
  "node_modules/tdigest/tdigest.js"(exports, module) {
    var RBTree = require_bintrees().RBTree;
    function TDigest2(delta, K, CX) {
      this.discrete = delta === false;
      this.delta = delta || 0.01;
      this.K = K === void 0 ? 25 : K;
      this.CX = CX === void 0 ? 1.1 : CX;
      this.centroids = new RBTree(compare_centroid_means);
      this.nreset = 0;
      this.reset();
    }
    TDigest2.prototype.reset = function() {
      this.centroids.clear();
      this.n = 0;
      this.nreset += 1;
      this.last_cumulate = 0;
    };
    TDigest2.prototype.size = function() {
      return this.centroids.size;
    };
    TDigest2.prototype.toArray = function(everything) {
      var result = [];
      if (everything) {
        this._cumulate(true);
        this.centroids.each(function(c) {
          result.push(c);
        });
      } else {
        this.centroids.each(function(c) {
          result.push({ mean: c.mean, n: c.n });
        });
      }
      return result;
    };
    TDigest2.prototype.summary = function() {
      var approx = this.discrete ? "exact " : "approximating ";
      var s = [
        approx + this.n + " samples using " + this.size() + " centroids",
        "min = " + this.percentile(0),
        "Q1  = " + this.percentile(0.25),
        "Q2  = " + this.percentile(0.5),
        "Q3  = " + this.percentile(0.75),
        "max = " + this.percentile(1)
      ];
      return s.join("\n");
    };
    function compare_centroid_means(a, b) {
      return a.mean > b.mean ? 1 : a.mean < b.mean ? -1 : 0;
    }
    function compare_centroid_mean_cumns(a, b) {
      return a.mean_cumn - b.mean_cumn;
    }
    TDigest2.prototype.push = function(x, n) {
      n = n || 1;
      x = Array.isArray(x) ? x : [x];
      for (var i = 0; i < x.length; i++) {
        this._digest(x[i], n);
      }
    };
    TDigest2.prototype.push_centroid = function(c) {
      c = Array.isArray(c) ? c : [c];
      for (var i = 0; i < c.length; i++) {
        this._digest(c[i].mean, c[i].n);
      }
    };
    TDigest2.prototype._cumulate = function(exact) {
      if (this.n === this.last_cumulate || !exact && this.CX && this.CX > this.n / this.last_cumulate) {
        return;
      }
      var cumn = 0;
      this.centroids.each(function(c) {
        c.mean_cumn = cumn + c.n / 2;
        cumn = c.cumn = cumn + c.n;
      });
      this.n = this.last_cumulate = cumn;
    };
    TDigest2.prototype.find_nearest = function(x) {
      if (this.size() === 0) {
        return null;
      }
      var iter = this.centroids.lowerBound({ mean: x });
      var c = iter.data() === null ? iter.prev() : iter.data();
      if (c.mean === x || this.discrete) {
        return c;
      }
      var prev = iter.prev();
      if (prev && Math.abs(prev.mean - x) < Math.abs(c.mean - x)) {
        return prev;
      } else {
        return c;
      }
    };
    TDigest2.prototype._new_centroid = function(x, n, cumn) {
      var c = { mean: x, n, cumn };
      this.centroids.insert(c);
      this.n += n;
      return c;
    };
    TDigest2.prototype._addweight = function(nearest, x, n) {
      if (x !== nearest.mean) {
        nearest.mean += n * (x - nearest.mean) / (nearest.n + n);
      }
      nearest.cumn += n;
      nearest.mean_cumn += n / 2;
      nearest.n += n;
      this.n += n;
    };
    TDigest2.prototype._digest = function(x, n) {
      var min = this.centroids.min();
      var max = this.centroids.max();
      var nearest = this.find_nearest(x);
      if (nearest && nearest.mean === x) {
        this._addweight(nearest, x, n);
      } else if (nearest === min) {
        this._new_centroid(x, n, 0);
      } else if (nearest === max) {
        this._new_centroid(x, n, this.n);
      } else if (this.discrete) {
        this._new_centroid(x, n, nearest.cumn);
      } else {
        var p = nearest.mean_cumn / this.n;
        var max_n = Math.floor(4 * this.n * this.delta * p * (1 - p));
        if (max_n - nearest.n >= n) {
          this._addweight(nearest, x, n);
        } else {
          this._new_centroid(x, n, nearest.cumn);
        }
      }
      this._cumulate(false);
      if (!this.discrete && this.K && this.size() > this.K / this.delta) {
        this.compress();
      }
    };
    TDigest2.prototype.bound_mean = function(x) {
      var iter = this.centroids.upperBound({ mean: x });
      var lower = iter.prev();
      var upper = lower.mean === x ? lower : iter.next();
      return [lower, upper];
    };
    TDigest2.prototype.p_rank = function(x_or_xlist) {
      var xs = Array.isArray(x_or_xlist) ? x_or_xlist : [x_or_xlist];
      var ps = xs.map(this._p_rank, this);
      return Array.isArray(x_or_xlist) ? ps : ps[0];
    };
    TDigest2.prototype._p_rank = function(x) {
      if (this.size() === 0) {
        return void 0;
      } else if (x < this.centroids.min().mean) {
        return 0;
      } else if (x > this.centroids.max().mean) {
        return 1;
      }
      this._cumulate(true);
      var bound = this.bound_mean(x);
      var lower = bound[0], upper = bound[1];
      if (this.discrete) {
        return lower.cumn / this.n;
      } else {
        var cumn = lower.mean_cumn;
        if (lower !== upper) {
          cumn += (x - lower.mean) * (upper.mean_cumn - lower.mean_cumn) / (upper.mean - lower.mean);
        }
        return cumn / this.n;
      }
    };
    TDigest2.prototype.bound_mean_cumn = function(cumn) {
      this.centroids._comparator = compare_centroid_mean_cumns;
      var iter = this.centroids.upperBound({ mean_cumn: cumn });
      this.centroids._comparator = compare_centroid_means;
      var lower = iter.prev();
      var upper = lower && lower.mean_cumn === cumn ? lower : iter.next();
      return [lower, upper];
    };
    TDigest2.prototype.percentile = function(p_or_plist) {
      var ps = Array.isArray(p_or_plist) ? p_or_plist : [p_or_plist];
      var qs = ps.map(this._percentile, this);
      return Array.isArray(p_or_plist) ? qs : qs[0];
    };
    TDigest2.prototype._percentile = function(p) {
      if (this.size() === 0) {
        return void 0;
      }
      this._cumulate(true);
      var h = this.n * p;
      var bound = this.bound_mean_cumn(h);
      var lower = bound[0], upper = bound[1];
      if (upper === lower || lower === null || upper === null) {
        return (lower || upper).mean;
      } else if (!this.discrete) {
        return lower.mean + (h - lower.mean_cumn) * (upper.mean - lower.mean) / (upper.mean_cumn - lower.mean_cumn);
      } else if (h <= lower.cumn) {
        return lower.mean;
      } else {
        return upper.mean;
      }
    };
    function pop_random(choices) {
      var idx = Math.floor(Math.random() * choices.length);
      return choices.splice(idx, 1)[0];
    }
    TDigest2.prototype.compress = function() {
      if (this.compressing) {
        return;
      }
      var points = this.toArray();
      this.reset();
      this.compressing = true;
      while (points.length > 0) {
        this.push_centroid(pop_random(points));
      }
      this._cumulate(true);
      this.compressing = false;
    };
    function Digest(config) {
      this.config = config || {};
      this.mode = this.config.mode || "auto";
      TDigest2.call(this, this.mode === "cont" ? config.delta : false);
      this.digest_ratio = this.config.ratio || 0.9;
      this.digest_thresh = this.config.thresh || 1e3;
      this.n_unique = 0;
    }
    Digest.prototype = Object.create(TDigest2.prototype);
    Digest.prototype.constructor = Digest;
    Digest.prototype.push = function(x_or_xlist) {
      TDigest2.prototype.push.call(this, x_or_xlist);
      this.check_continuous();
    };
    Digest.prototype._new_centroid = function(x, n, cumn) {
      this.n_unique += 1;
      TDigest2.prototype._new_centroid.call(this, x, n, cumn);
    };
    Digest.prototype._addweight = function(nearest, x, n) {
      if (nearest.n === 1) {
        this.n_unique -= 1;
      }
      TDigest2.prototype._addweight.call(this, nearest, x, n);
    };
    Digest.prototype.check_continuous = function() {
      if (this.mode !== "auto" || this.size() < this.digest_thresh) {
        return false;
      }
      if (this.n_unique / this.size() > this.digest_ratio) {
        this.mode = "cont";
        this.discrete = false;
        this.delta = this.config.delta || 0.01;
        this.compress();
        return true;
      }
      return false;
    };
    module.exports = {
      "TDigest": TDigest2,
      "Digest": Digest
    };
  }
});

// src/pipeline/errors.ts
var DefinitionError = class extends Error {
  problems;
  constructor(problems, file) {
    const where = file ? `${file}: ` : "";
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super(`${where}invalid pipeline definition:
${lines.join("\n")}`);
    this.name = "DefinitionError";
    this.problems = problems;
  }
};
var UsageError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};
var NonRetryableError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "NonRetryableError";
  }
};
var StageError = class extends Error {
  location;
  constructor(location, message, cause) {
    const at = location.row === void 0 ? "" : `, row ${location.row.toLocaleString("en-US")}`;
    super(
      `stage ${location.stage}, shard ${location.shard}${at}: ${message}`,
      { cause }
    );
    this.name = "StageError";
    this.location = location;
  }
};
var InterruptedError = class extends Error {
  signal;
  constructor(signal) {
    super(`interrupted by ${signal}; checkpoint saved, run again to resume`);
    this.name = "InterruptedError";
    this.signal = signal;
  }
};
function describeCause(cause) {
  const code = cause.code;
  if (code !== "ENOSPC" && code !== "EDQUOT") return cause.message;
  return `${cause.message} (the disk is full; free space, then run again to resume from the last checkpoint)`;
}
function toError(thrown) {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}

// src/validate/check-options.ts
var CheckDefinitionError = class extends Error {
  /** The check's name as it would have been reported. */
  check;
  constructor(check, message) {
    super(`check ${check}: ${message}`);
    this.name = "CheckDefinitionError";
    this.check = check;
  }
};
function readSeverity(options, name) {
  const severity = options.severity ?? "fail";
  if (severity !== "fail" && severity !== "warn") {
    throw new CheckDefinitionError(name, `severity must be "fail" or "warn", not ${JSON.stringify(severity)}`);
  }
  return severity;
}
function requireField(field, name) {
  if (typeof field !== "string" || field === "") {
    throw new CheckDefinitionError(name, `the field must be a non-empty string, not ${JSON.stringify(field)}`);
  }
  return field;
}

// src/validate/bounds.ts
function requireBounds(bounds, name) {
  for (const key of ["min", "max"]) {
    const value = bounds[key];
    if (value !== void 0 && !Number.isFinite(value)) {
      throw new CheckDefinitionError(name, `${key} must be a finite number, not ${String(value)}`);
    }
  }
  if (bounds.min !== void 0 && bounds.max !== void 0 && bounds.min > bounds.max) {
    throw new CheckDefinitionError(name, `min ${bounds.min} is greater than max ${bounds.max}`);
  }
}
function boundsExpected(bounds) {
  const expected = {};
  if (bounds.min !== void 0) expected.min = bounds.min;
  if (bounds.max !== void 0) expected.max = bounds.max;
  return expected;
}
function withinBounds(value, bounds) {
  if (bounds.min !== void 0 && value < bounds.min) return false;
  if (bounds.max !== void 0 && value > bounds.max) return false;
  return true;
}
function smaller(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
function larger(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

// src/validate/check-result.ts
function makeResult(check, passed, observed, expected, message, examples) {
  const result = {
    name: check.name,
    severity: check.severity,
    passed,
    observed,
    expected,
    message
  };
  if (examples && examples.length > 0) result.examples = examples;
  return result;
}

// src/validate/format.ts
function formatCount(count) {
  if (!Number.isSafeInteger(count)) return String(count);
  const sign = count < 0 ? "-" : "";
  const digits = String(Math.abs(count));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
function formatNumber(value) {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}
function formatPercent(fraction) {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
function formatInstant(ms) {
  const iso = new Date(ms).toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  if (iso.endsWith(":00.000Z")) return `${iso.slice(0, 16)}Z`;
  if (iso.endsWith(".000Z")) return `${iso.slice(0, 19)}Z`;
  return iso;
}
function formatBounds(min, max, format = formatNumber) {
  if (min !== void 0 && max !== void 0) {
    return `within [${format(min)}, ${format(max)}]`;
  }
  if (min !== void 0) return `at least ${format(min)}`;
  if (max !== void 0) return `at most ${format(max)}`;
  return "any value";
}
function formatCountOf(count, singular, plural = `${singular}s`) {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}
function describeSkipped(count) {
  const what = count === 1 ? "is not a number and was skipped" : "are not numbers and were skipped";
  return `${formatCountOf(count, "value")} ${what}`;
}

// src/validate/row-count.ts
function rowCount(options) {
  const absolute = { min: options.min, max: options.max };
  const relative = options.relativeToLastSuccess;
  const ratio = { min: relative?.minRatio, max: relative?.maxRatio };
  const name = options.name ?? defaultName(absolute, relative ? ratio : void 0);
  requireBounds(absolute, name);
  requireBounds(ratio, name);
  if (options.min === void 0 && options.max === void 0 && !relative) {
    throw new CheckDefinitionError(name, "set min, max or relativeToLastSuccess");
  }
  const severity = readSeverity(options, name);
  return {
    name,
    severity,
    evaluate(_state, ctx) {
      const rows = ctx.counts.rowsOut;
      const absolutePassed = withinBounds(rows, absolute);
      const parts = [`${formatCount(rows)} rows`];
      if (!absolutePassed) parts[0] += `, expected ${formatBounds(absolute.min, absolute.max, formatCount)}`;
      const observed = { rows };
      let relativePassed = true;
      if (relative) {
        const outcome = compareWithLastSuccess(rows, ratio, ctx);
        relativePassed = outcome.passed;
        Object.assign(observed, outcome.observed);
        parts.push(outcome.text);
      }
      const expected = { ...boundsExpected(absolute), ...ratioExpected(ratio) };
      const passed = absolutePassed && relativePassed;
      return makeResult({ name, severity }, passed, observed, expected, `${name}: ${parts.join("; ")}`);
    }
  };
}
function compareWithLastSuccess(rows, bounds, ctx) {
  if (ctx.lastSuccess === null) {
    const note = "no earlier successful run";
    return { passed: true, observed: { rows, lastSuccessRows: null, ratio: null, note }, text: `${note} to compare with` };
  }
  const last = ctx.lastSuccess.rowsOut;
  const ratio = last === 0 ? rows === 0 ? 1 : Number.POSITIVE_INFINITY : rows / last;
  const passed = withinBounds(ratio, bounds);
  const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max, formatPercent)}`;
  if (!Number.isFinite(ratio)) {
    const note = "the last successful run wrote 0 rows";
    return { passed, observed: { rows, lastSuccessRows: 0, ratio: null, note }, text: `${note}${wanted}` };
  }
  const text = `${formatPercent(ratio)} of the ${formatCount(last)} rows of the last successful run${wanted}`;
  return { passed, observed: { rows, lastSuccessRows: last, ratio }, text };
}
function ratioExpected(bounds) {
  const expected = {};
  if (bounds.min !== void 0) expected.minRatio = bounds.min;
  if (bounds.max !== void 0) expected.maxRatio = bounds.max;
  return expected;
}
function defaultName(absolute, ratio) {
  const parts = [];
  if (absolute.min !== void 0 || absolute.max !== void 0) {
    parts.push(formatBounds(absolute.min, absolute.max, formatCount));
  }
  if (ratio) {
    parts.push(`${formatBounds(ratio.min, ratio.max, formatPercent)} of the last successful run`);
  }
  return parts.length === 0 ? "row count" : `row count ${parts.join(", ")}`;
}

// src/validate/missing-state.ts
function missingState(reason) {
  return { bulkheadMissingState: reason };
}
function missingReason(state) {
  if (state === null || state === void 0) return "no statistics were collected for it";
  if (typeof state === "object" && "bulkheadMissingState" in state) {
    return String(state.bulkheadMissingState);
  }
  return null;
}
function needsState(check) {
  return typeof check.initial === "function" || typeof check.add === "function";
}
function requireState(state, check) {
  if (state === null || state === void 0) {
    throw new Error(`check ${check} was evaluated without statistics`);
  }
  return state;
}

// src/validate/not-null.ts
function notNull(field, options = {}) {
  const name = options.name ?? `${field} not null`;
  requireField(field, name);
  const severity = readSeverity(options, name);
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ rows: 0, nulls: 0 }),
    add(state, records) {
      let nulls = 0;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0 || value === "") nulls += 1;
      }
      state.rows += records.length;
      state.nulls += nulls;
      return state;
    },
    merge: (a, b) => ({ rows: a.rows + b.rows, nulls: a.nulls + b.nulls }),
    evaluate(state, _ctx) {
      const { rows, nulls } = requireState(state, name);
      const passed = nulls === 0;
      const detail = passed ? `none of ${formatCountOf(rows, "row")} is null, missing or empty` : `${formatCount(nulls)} of ${formatCountOf(rows, "row")} ${nulls === 1 ? "is" : "are"} null, missing or empty`;
      return makeResult({ name, severity }, passed, { rows, nulls }, { nulls: 0 }, `${name}: ${detail}`);
    }
  };
}

// src/validate/value-text.ts
function keyText(value) {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      if (value instanceof Date) return value.toISOString();
      return jsonText(value);
  }
}
function exampleText(value) {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return String(value);
  return jsonText(value);
}
function exampleValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
function quoteValue(value) {
  if (typeof value === "number") return String(value);
  return exampleText(value);
}
function jsonText(value) {
  const text = JSON.stringify(
    value,
    (_key, v) => typeof v === "bigint" ? String(v) : v
  );
  return text ?? String(value);
}

// src/validate/value-counts.ts
var EXAMPLE_LIMIT = 5;
var lowestFirst = (a, b) => a - b;
var highestFirst = (a, b) => b - a;
var textOrder = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function offerValue(list, value, rank, limit = EXAMPLE_LIMIT) {
  let at = 0;
  while (at < list.length) {
    const order = rank(value, list[at][0]);
    if (order === 0) {
      list[at][1] += 1;
      return;
    }
    if (order < 0) break;
    at += 1;
  }
  if (at >= limit) return;
  list.splice(at, 0, [value, 1]);
  if (list.length > limit) list.pop();
}
function mergeValueCounts(a, b, rank, limit = EXAMPLE_LIMIT) {
  const merged = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const order = i >= a.length ? 1 : j >= b.length ? -1 : rank(a[i][0], b[j][0]);
    if (order === 0) {
      merged.push([a[i][0], a[i][1] + b[j][1]]);
      i += 1;
      j += 1;
    } else if (order < 0) {
      merged.push([a[i][0], a[i][1]]);
      i += 1;
    } else {
      merged.push([b[j][0], b[j][1]]);
      j += 1;
    }
  }
  return merged;
}

// src/validate/unique.ts
var COMPACT_AT = 65536;
function unique(fields, options = {}) {
  const list = typeof fields === "string" ? [fields] : [...fields];
  const label = list.length === 1 ? list[0] : `(${list.join(", ")})`;
  const name = options.name ?? `${label} unique`;
  if (list.length === 0) throw new CheckDefinitionError(name, "name at least one key field");
  for (const field of list) requireField(field, name);
  const severity = readSeverity(options, name);
  const readKey = list.length === 1 ? singleKeyReader(list[0]) : compositeKeyReader(list);
  return {
    name,
    severity,
    fields: list,
    initial: () => ({ rows: 0, keys: [], pending: [], duplicates: [] }),
    add(state, records) {
      const { pending } = state;
      const before = pending.length;
      for (let i = 0; i < records.length; i++) {
        const key = readKey(records[i]);
        if (key !== null) pending.push(key);
      }
      state.rows += pending.length - before;
      if (pending.length >= Math.max(COMPACT_AT, state.keys.length)) {
        Object.assign(state, mergeSorted(state, sortKeys(pending)), { pending: [] });
      }
      return state;
    },
    merge(a, b) {
      const merged = mergeSorted(settle(a), settle(b));
      return { rows: a.rows + b.rows, keys: merged.keys, pending: [], duplicates: merged.duplicates };
    },
    evaluate(state, _ctx) {
      const current = requireState(state, name);
      const { rows } = current;
      const settled = settle(current);
      const distinct = settled.keys.length;
      const duplicates = rows - distinct;
      const examples = settled.duplicates.map(([value, count]) => ({ value, count }));
      const shown = examples.map((e) => `${list.length === 1 ? JSON.stringify(e.value) : e.value} \xD7${formatCount(e.count)}`);
      const message = duplicates === 0 ? `${name}: all ${formatCount(rows)} keys are distinct` : `${name}: ${formatCountOf(duplicates, "duplicate row")} among ${formatCount(rows)} (e.g. ${shown.join(", ")})`;
      return makeResult({ name, severity }, duplicates === 0, { rows, distinct, duplicates }, { duplicates: 0 }, message, examples);
    }
  };
}
function singleKeyReader(field) {
  return (record) => {
    const value = record[field];
    if (value === null || value === void 0) return null;
    return typeof value === "string" ? value : keyText(value);
  };
}
function compositeKeyReader(fields) {
  return (record) => {
    const parts = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const value = record[fields[i]];
      if (value === null || value === void 0) return null;
      parts[i] = keyText(value);
    }
    return JSON.stringify(parts);
  };
}
function settle(state) {
  if (state.pending.length === 0) return state;
  return mergeSorted(state, sortKeys([...state.pending]));
}
function sortKeys(keys) {
  keys.sort();
  const distinct = [];
  const duplicates = [];
  let i = 0;
  while (i < keys.length) {
    let end = i + 1;
    while (end < keys.length && keys[end] === keys[i]) end += 1;
    distinct.push(keys[i]);
    if (end - i > 1 && duplicates.length < EXAMPLE_LIMIT) duplicates.push([keys[i], end - i]);
    i = end;
  }
  return { keys: distinct, duplicates };
}
function mergeSorted(a, b) {
  const keys = new Array(a.keys.length + b.keys.length);
  const shared = [];
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.keys.length && j < b.keys.length) {
    const x = a.keys[i];
    const y = b.keys[j];
    if (x < y) {
      keys[n++] = x;
      i += 1;
    } else if (y < x) {
      keys[n++] = y;
      j += 1;
    } else {
      keys[n++] = x;
      if (shared.length < EXAMPLE_LIMIT) shared.push(x);
      i += 1;
      j += 1;
    }
  }
  while (i < a.keys.length) keys[n++] = a.keys[i++];
  while (j < b.keys.length) keys[n++] = b.keys[j++];
  keys.length = n;
  return { keys, duplicates: smallestDuplicates(a, b, shared) };
}
function smallestDuplicates(a, b, shared) {
  const candidates = new Set(shared);
  for (const [key] of a.duplicates) candidates.add(key);
  for (const [key] of b.duplicates) candidates.add(key);
  const sorted = [...candidates].sort().slice(0, EXAMPLE_LIMIT);
  return sorted.map((key) => [key, occurrences(a, key) + occurrences(b, key)]);
}
function occurrences(side, key) {
  for (const [listed, count] of side.duplicates) if (listed === key) return count;
  return containsSorted(side.keys, key) ? 1 : 0;
}
function containsSorted(keys, key) {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const mid = low + high >>> 1;
    if (keys[mid] === key) return true;
    if (keys[mid] < key) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

// src/validate/allowed-values.ts
var TRACK_LIMIT = 1e3;
function allowedValues(field, values, options = {}) {
  const name = options.name ?? `${field} in ${describeList(values)}`;
  requireField(field, name);
  if (!Array.isArray(values) || values.length === 0) {
    throw new CheckDefinitionError(name, "list at least one allowed value");
  }
  const severity = readSeverity(options, name);
  const allowed = new Set(values);
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ values: 0, disallowed: 0, counts: {}, tracked: 0, ceiling: null }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0) continue;
        state.values += 1;
        if (!allowed.has(value)) countDisallowed(state, exampleText(value));
      }
      return state;
    },
    merge: mergeStates,
    evaluate(state, _ctx) {
      const current = requireState(state, name);
      const { values: seen, disallowed } = current;
      const examples = mostFrequent(current).map(([text, count]) => ({ value: exampleValue(text), count }));
      const passed = disallowed === 0;
      const shown = examples.map((e) => `${quoteValue(e.value)} \xD7${formatCount(e.count)}`).join(", ");
      const message = passed ? `${name}: all ${formatCount(seen)} values are allowed` : `${name}: ${formatCount(disallowed)} of ${formatCountOf(seen, "value")} ${disallowed === 1 ? "is" : "are"} not allowed (e.g. ${shown})`;
      return makeResult({ name, severity }, passed, { values: seen, disallowed }, { values: [...values] }, message, examples);
    }
  };
}
function countDisallowed(state, text) {
  state.disallowed += 1;
  if (state.ceiling !== null && text > state.ceiling) return;
  if (Object.hasOwn(state.counts, text)) {
    state.counts[text] += 1;
    return;
  }
  state.counts[text] = 1;
  state.tracked += 1;
  if (state.tracked >= 2 * TRACK_LIMIT) keepSmallest(state);
}
function keepSmallest(state) {
  const texts = Object.keys(state.counts).sort();
  if (texts.length <= TRACK_LIMIT) return;
  const kept = {};
  for (const text of texts.slice(0, TRACK_LIMIT)) kept[text] = state.counts[text];
  state.counts = kept;
  state.tracked = TRACK_LIMIT;
  state.ceiling = texts[TRACK_LIMIT - 1];
}
function mergeStates(a, b) {
  const ceiling = lowerCeiling(a.ceiling, b.ceiling);
  const counts = {};
  let tracked = 0;
  for (const side of [a.counts, b.counts]) {
    for (const [text, count] of Object.entries(side)) {
      if (ceiling !== null && text > ceiling) continue;
      if (!Object.hasOwn(counts, text)) tracked += 1;
      counts[text] = (counts[text] ?? 0) + count;
    }
  }
  const merged = { values: a.values + b.values, disallowed: a.disallowed + b.disallowed, counts, tracked, ceiling };
  if (tracked > TRACK_LIMIT) keepSmallest(merged);
  return merged;
}
function lowerCeiling(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}
function mostFrequent(state) {
  const texts = Object.keys(state.counts).sort().slice(0, TRACK_LIMIT);
  const entries = texts.map((text) => [text, state.counts[text]]);
  entries.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  return entries.slice(0, EXAMPLE_LIMIT);
}
function describeList(values) {
  if (!Array.isArray(values)) return "[]";
  const shown = values.slice(0, 5).map(quoteValue);
  if (values.length > 5) shown.push(`\u2026 ${values.length - 5} more`);
  return `[${shown.join(", ")}]`;
}

// src/validate/range.ts
function range(field, options) {
  const bounds = { min: options.min, max: options.max };
  const name = options.name ?? `${field} ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (bounds.min === void 0 && bounds.max === void 0) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);
  const low = bounds.min ?? Number.NEGATIVE_INFINITY;
  const high = bounds.max ?? Number.POSITIVE_INFINITY;
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({
      values: 0,
      outside: 0,
      nonNumeric: 0,
      min: null,
      max: null,
      lowest: [],
      highest: [],
      nonNumericExamples: []
    }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0) continue;
        if (typeof value !== "number" || !Number.isFinite(value)) {
          state.nonNumeric += 1;
          offerValue(state.nonNumericExamples, exampleText(value), textOrder);
          continue;
        }
        state.values += 1;
        if (state.min === null || value < state.min) state.min = value;
        if (state.max === null || value > state.max) state.max = value;
        if (value < low) {
          state.outside += 1;
          offerValue(state.lowest, value, lowestFirst);
        } else if (value > high) {
          state.outside += 1;
          offerValue(state.highest, value, highestFirst);
        }
      }
      return state;
    },
    merge: (a, b) => ({
      values: a.values + b.values,
      outside: a.outside + b.outside,
      nonNumeric: a.nonNumeric + b.nonNumeric,
      min: smaller(a.min, b.min),
      max: larger(a.max, b.max),
      lowest: mergeValueCounts(a.lowest, b.lowest, lowestFirst),
      highest: mergeValueCounts(a.highest, b.highest, highestFirst),
      nonNumericExamples: mergeValueCounts(a.nonNumericExamples, b.nonNumericExamples, textOrder)
    }),
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const passed = s.outside === 0 && s.nonNumeric === 0;
      const observed = { values: s.values, outside: s.outside, nonNumeric: s.nonNumeric, min: s.min, max: s.max };
      const examples = [...mostExtreme(s, low, high), ...nonNumericExamples(s)];
      return makeResult({ name, severity }, passed, observed, boundsExpected(bounds), `${name}: ${describe(s, passed)}`, examples);
    }
  };
}
function describe(s, passed) {
  if (s.values === 0 && s.nonNumeric === 0) return "no values to check";
  const extent = s.values > 0 ? ` (min ${formatNumber(s.min)}, max ${formatNumber(s.max)})` : "";
  const counted = passed ? `all ${formatCount(s.values)} values inside${extent}` : `${formatCount(s.outside)} of ${formatCount(s.values)} values outside${extent}`;
  if (s.nonNumeric === 0) return counted;
  const first = s.nonNumericExamples[0][0];
  const what = s.nonNumeric === 1 ? "is not a number" : "are not numbers";
  return `${counted}; ${formatCountOf(s.nonNumeric, "value")} ${what} (e.g. ${first})`;
}
function mostExtreme(s, low, high) {
  const candidates = [
    ...s.lowest.map(([value, count]) => ({ value, count, distance: low - value })),
    ...s.highest.map(([value, count]) => ({ value, count, distance: value - high }))
  ];
  candidates.sort((x, y) => y.distance - x.distance || x.value - y.value);
  return candidates.slice(0, EXAMPLE_LIMIT).map(({ value, count }) => ({ value, count }));
}
function nonNumericExamples(s) {
  return s.nonNumericExamples.map(([text, count]) => ({ value: exampleValue(text), count, note: "not a number" }));
}

// src/validate/mean.ts
function mean(field, options) {
  const bounds = { min: options.min, max: options.max };
  const name = options.name ?? `${field} mean ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (bounds.min === void 0 && bounds.max === void 0) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ values: 0, sum: 0, compensation: 0, nonNumeric: 0 }),
    add(state, records) {
      let { values, sum, compensation, nonNumeric } = state;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0) continue;
        if (typeof value !== "number" || !Number.isFinite(value)) {
          nonNumeric += 1;
          continue;
        }
        const total = sum + value;
        compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
        sum = total;
        values += 1;
      }
      return Object.assign(state, { values, sum, compensation, nonNumeric });
    },
    merge(a, b) {
      const sum = a.sum + b.sum;
      const error = Math.abs(a.sum) >= Math.abs(b.sum) ? a.sum - sum + b.sum : b.sum - sum + a.sum;
      return {
        values: a.values + b.values,
        sum,
        compensation: a.compensation + b.compensation + error,
        nonNumeric: a.nonNumeric + b.nonNumeric
      };
    },
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const skipped = s.nonNumeric > 0 ? `; ${describeSkipped(s.nonNumeric)}` : "";
      if (s.values === 0) {
        const observed2 = { mean: null, values: 0, nonNumeric: s.nonNumeric };
        return makeResult({ name, severity }, false, observed2, boundsExpected(bounds), `${name}: no numeric values to average${skipped}`);
      }
      const average = (s.sum + s.compensation) / s.values;
      const passed = withinBounds(average, bounds);
      const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max)}`;
      const message = `${name}: mean ${formatNumber(average)} over ${formatCount(s.values)} values${wanted}${skipped}`;
      const observed = { mean: average, values: s.values, nonNumeric: s.nonNumeric };
      return makeResult({ name, severity }, passed, observed, boundsExpected(bounds), message);
    }
  };
}

// src/validate/quantile-digest.ts
var import_tdigest = __toESM(require_tdigest(), 1);
var DELTA = 0.01;
var EXACT_LIMIT = 8192;
function emptyDigest() {
  return { digested: 0, means: [], weights: [], pending: [] };
}
function addToDigest(state, value) {
  state.pending.push(value);
  if (state.pending.length >= EXACT_LIMIT) fold(state);
}
function mergeDigests(a, b) {
  const pending = a.pending.concat(b.pending);
  if (a.digested === 0 && b.digested === 0 && pending.length < EXACT_LIMIT) {
    return { digested: 0, means: [], weights: [], pending };
  }
  const digest = makeDigest();
  pushCentroids(digest, a);
  pushCentroids(digest, b);
  digest.push(pending);
  compress(digest);
  return { ...centroidsOf(digest), pending: [] };
}
function digestSize(state) {
  return state.digested + state.pending.length;
}
function digestQuantile(state, q) {
  if (digestSize(state) === 0) return { value: null, exact: true };
  if (state.digested === 0) return { value: nearestRank(state.pending, q), exact: true };
  const digest = makeDigest();
  pushCentroids(digest, state);
  digest.push(state.pending);
  return { value: digest.percentile(q) ?? null, exact: false };
}
function nearestRank(values, q) {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}
function fold(state) {
  const digest = makeDigest();
  pushCentroids(digest, state);
  digest.push(state.pending);
  compress(digest);
  Object.assign(state, centroidsOf(digest), { pending: [] });
}
function makeDigest() {
  const digest = new import_tdigest.TDigest(DELTA);
  digest.compress = () => compress(digest);
  return digest;
}
function compress(digest) {
  if (digest.compressing) return;
  const centroids = digest.toArray();
  digest.reset();
  digest.compressing = true;
  shuffle(centroids, seededRandom(centroids.length));
  digest.push_centroid(centroids);
  digest._cumulate(true);
  digest.compressing = false;
}
function pushCentroids(digest, state) {
  const centroids = new Array(state.means.length);
  for (let i = 0; i < state.means.length; i++) centroids[i] = { mean: state.means[i], n: state.weights[i] };
  digest.push_centroid(centroids);
}
function centroidsOf(digest) {
  const centroids = digest.toArray();
  let digested = 0;
  for (const c of centroids) digested += c.n;
  return { digested, means: centroids.map((c) => c.mean), weights: centroids.map((c) => c.n) };
}
function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
function seededRandom(seed) {
  let t = seed >>> 0;
  return () => {
    t = t + 1831565813 >>> 0;
    let r = Math.imul(t ^ t >>> 15, 1 | t);
    r ^= r + Math.imul(r ^ r >>> 7, 61 | r);
    return ((r ^ r >>> 14) >>> 0) / 4294967296;
  };
}

// src/validate/quantile.ts
function quantile(field, q, options) {
  const bounds = { min: options.min, max: options.max };
  const label = `p${formatNumber(q * 100)}`;
  const name = options.name ?? `${field} ${label} ${formatBounds(bounds.min, bounds.max)}`;
  requireField(field, name);
  requireBounds(bounds, name);
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) throw new CheckDefinitionError(name, `q must be between 0 and 1, not ${String(q)}`);
  if (bounds.min === void 0 && bounds.max === void 0) throw new CheckDefinitionError(name, "set min, max or both");
  const severity = readSeverity(options, name);
  const expected = { q, ...boundsExpected(bounds) };
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({ digest: emptyDigest(), nonNumeric: 0 }),
    add(state, records) {
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0) continue;
        if (typeof value === "number" && Number.isFinite(value)) addToDigest(state.digest, value);
        else state.nonNumeric += 1;
      }
      return state;
    },
    merge: (a, b) => ({ digest: mergeDigests(a.digest, b.digest), nonNumeric: a.nonNumeric + b.nonNumeric }),
    evaluate(state, _ctx) {
      const s = requireState(state, name);
      const values = digestSize(s.digest);
      const skipped = s.nonNumeric > 0 ? `; ${describeSkipped(s.nonNumeric)}` : "";
      const { value, exact } = digestQuantile(s.digest, q);
      const observed = { quantile: value, values, approximate: !exact, nonNumeric: s.nonNumeric };
      if (value === null) {
        return makeResult({ name, severity }, false, observed, expected, `${name}: no numeric values${skipped}`);
      }
      const passed = withinBounds(value, bounds);
      const how = exact ? "exact" : "t-digest estimate";
      const wanted = passed ? "" : `, expected ${formatBounds(bounds.min, bounds.max)}`;
      const message = `${name}: ${label} is ${formatNumber(value)} over ${formatCount(values)} values (${how})${wanted}${skipped}`;
      return makeResult({ name, severity }, passed, observed, expected, message);
    }
  };
}

// src/validate/instant.ts
function readInstant(value) {
  if (typeof value === "string") return Date.parse(hasTimeWithoutOffset(value) ? `${value}Z` : value);
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (value instanceof Date) return value.getTime();
  return Number.NaN;
}
function hasTimeWithoutOffset(text) {
  if (text.length <= 10 || text[10] !== "T" && text[10] !== " ") return false;
  for (let i = 11; i < text.length; i++) {
    const c = text[i];
    if (c === "Z" || c === "z" || c === "+" || c === "-") return false;
  }
  return true;
}

// src/validate/freshness.ts
function freshness(field, options) {
  const provisional = options.name ?? `${field} freshness`;
  const limits = readLimits(options, provisional);
  const name = options.name ?? `${field} ${describeLimits(options, limits)}`;
  requireField(field, name);
  const severity = readSeverity(options, name);
  const hasBounds = options.notAfter !== void 0 || options.notBefore !== void 0 || options.window !== void 0;
  return {
    name,
    severity,
    fields: [field],
    initial: () => ({
      values: 0,
      unreadable: 0,
      oldest: null,
      newest: null,
      early: 0,
      late: 0,
      earliest: [],
      latest: [],
      unreadableExamples: []
    }),
    add(state, records) {
      let previous;
      let previousAt = Number.NaN;
      for (let i = 0; i < records.length; i++) {
        const value = records[i][field];
        if (value === null || value === void 0) continue;
        const at = value === previous ? previousAt : readInstant(value);
        previous = value;
        previousAt = at;
        if (Number.isNaN(at)) {
          state.unreadable += 1;
          offerValue(state.unreadableExamples, exampleText(value), textOrder);
          continue;
        }
        state.values += 1;
        if (state.oldest === null || at < state.oldest) state.oldest = at;
        if (state.newest === null || at > state.newest) state.newest = at;
        if (at < limits.from) {
          state.early += 1;
          offerValue(state.earliest, at, lowestFirst);
        } else if (at >= limits.toExclusive || at > limits.toInclusive) {
          state.late += 1;
          offerValue(state.latest, at, highestFirst);
        }
      }
      return state;
    },
    merge: (a, b) => ({
      values: a.values + b.values,
      unreadable: a.unreadable + b.unreadable,
      oldest: smaller(a.oldest, b.oldest),
      newest: larger(a.newest, b.newest),
      early: a.early + b.early,
      late: a.late + b.late,
      earliest: mergeValueCounts(a.earliest, b.earliest, lowestFirst),
      latest: mergeValueCounts(a.latest, b.latest, highestFirst),
      unreadableExamples: mergeValueCounts(a.unreadableExamples, b.unreadableExamples, textOrder)
    }),
    evaluate(state, ctx) {
      const s = requireState(state, name);
      const verdict = judge(s, limits, hasBounds, ctx);
      const observed = {
        values: s.values,
        outside: s.early + s.late,
        unreadable: s.unreadable,
        oldest: s.oldest === null ? null : new Date(s.oldest).toISOString(),
        newest: s.newest === null ? null : new Date(s.newest).toISOString(),
        ...verdict.ageHours === void 0 ? {} : { newestAgeHours: verdict.ageHours }
      };
      const examples = [...mostExtreme2(s, limits), ...unreadableExamples(s)];
      return makeResult({ name, severity }, verdict.passed, observed, expectedOf(options), `${name}: ${verdict.parts.join("; ")}`, examples);
    }
  };
}
function judge(s, limits, hasBounds, ctx) {
  const parts = [];
  let passed = s.unreadable === 0;
  let ageHours;
  if (hasBounds && s.values > 0) {
    const outside = s.early + s.late;
    const extent = `(oldest ${formatInstant(s.oldest)}, newest ${formatInstant(s.newest)})`;
    parts.push(outside === 0 ? `all ${formatCount(s.values)} values inside ${extent}` : `${formatCount(outside)} of ${formatCount(s.values)} values outside ${extent}`);
    passed &&= outside === 0;
  }
  if (limits.maxAgeHours !== void 0) {
    if (s.newest === null) {
      ageHours = null;
      passed = false;
      parts.push("no dates to judge freshness by");
    } else {
      ageHours = (ctx.now.getTime() - s.newest) / 36e5;
      const fresh = ageHours <= limits.maxAgeHours;
      passed &&= fresh;
      const wanted = fresh ? "" : `, expected at most ${formatNumber(limits.maxAgeHours)}`;
      parts.push(`newest ${formatInstant(s.newest)} is ${formatNumber(ageHours)} hours old${wanted}`);
    }
  }
  if (s.unreadable > 0) {
    const what = s.unreadable === 1 ? "is not a date" : "are not dates";
    parts.push(`${formatCountOf(s.unreadable, "value")} ${what} (e.g. ${s.unreadableExamples[0][0]})`);
  }
  if (parts.length === 0) parts.push("no values to check");
  return { passed, parts, ageHours };
}
function mostExtreme2(s, limits) {
  const upper = Math.min(limits.toExclusive, limits.toInclusive);
  const candidates = [
    ...s.earliest.map(([at, count]) => ({ at, count, distance: limits.from - at })),
    ...s.latest.map(([at, count]) => ({ at, count, distance: at - upper }))
  ];
  candidates.sort((x, y) => y.distance - x.distance || x.at - y.at);
  return candidates.slice(0, EXAMPLE_LIMIT).map(({ at, count }) => ({ value: new Date(at).toISOString(), count }));
}
function unreadableExamples(s) {
  return s.unreadableExamples.map(([text, count]) => ({ value: exampleValue(text), count, note: "not a date" }));
}
function readLimits(options, name) {
  const { maxAgeHours, notAfter, notBefore, window } = options;
  if (maxAgeHours === void 0 && notAfter === void 0 && notBefore === void 0 && window === void 0) {
    throw new CheckDefinitionError(name, "set maxAgeHours, notAfter, notBefore or window");
  }
  if (maxAgeHours !== void 0 && !(Number.isFinite(maxAgeHours) && maxAgeHours >= 0)) {
    throw new CheckDefinitionError(name, `maxAgeHours must be a number of hours \u2265 0, not ${String(maxAgeHours)}`);
  }
  const from = Math.max(optionInstant(notBefore, "notBefore", name), optionInstant(window?.from, "window.from", name));
  const toExclusive = optionInstant(window?.to, "window.to", name, Number.POSITIVE_INFINITY);
  const toInclusive = optionInstant(notAfter, "notAfter", name, Number.POSITIVE_INFINITY);
  if (window && !(readInstant(window.from) < readInstant(window.to))) {
    throw new CheckDefinitionError(name, "window.from must be before window.to");
  }
  return { from, toExclusive, toInclusive, maxAgeHours };
}
function optionInstant(value, option, name, unset = Number.NEGATIVE_INFINITY) {
  if (value === void 0) return unset;
  const at = readInstant(value);
  if (Number.isNaN(at)) throw new CheckDefinitionError(name, `${option} is not a date: ${JSON.stringify(value)}`);
  return at;
}
function describeLimits(options, limits) {
  const parts = [];
  if (options.maxAgeHours !== void 0) parts.push(`at most ${formatNumber(options.maxAgeHours)} hours old`);
  if (options.window) {
    parts.push(`within [${formatInstant(readInstant(options.window.from))}, ${formatInstant(readInstant(options.window.to))})`);
  }
  if (options.notBefore !== void 0) parts.push(`not before ${formatInstant(readInstant(options.notBefore))}`);
  if (options.notAfter !== void 0) parts.push(`not after ${formatInstant(limits.toInclusive)}`);
  return parts.join(", ");
}
function expectedOf(options) {
  const iso = (value) => new Date(readInstant(value)).toISOString();
  const expected = {};
  if (options.maxAgeHours !== void 0) expected.maxAgeHours = options.maxAgeHours;
  if (options.notBefore !== void 0) expected.notBefore = iso(options.notBefore);
  if (options.notAfter !== void 0) expected.notAfter = iso(options.notAfter);
  if (options.window) expected.window = { from: iso(options.window.from), to: iso(options.window.to) };
  return expected;
}

// src/validate/invalid-fraction.ts
function invalidFraction(options) {
  const { max } = options;
  const name = options.name ?? `invalid records at most ${formatPercent(max)}`;
  if (typeof max !== "number" || !(max >= 0 && max <= 1)) {
    throw new CheckDefinitionError(name, `max must be a fraction between 0 and 1, not ${String(max)}`);
  }
  const severity = readSeverity(options, name);
  return {
    name,
    severity,
    evaluate(_state, ctx) {
      const { rowsIn, rowsInvalid } = ctx.counts;
      const fraction = rowsIn === 0 ? 0 : rowsInvalid / rowsIn;
      const passed = fraction <= max;
      const wanted = passed ? "" : `, more than the allowed ${formatPercent(max)}`;
      const message = `${name}: ${formatCount(rowsInvalid)} of ${formatCount(rowsIn)} records invalid (${formatPercent(fraction)})${wanted}`;
      return makeResult({ name, severity }, passed, { invalid: rowsInvalid, rows: rowsIn, fraction }, { max }, message);
    }
  };
}

// src/validate/custom.ts
function custom(name, options) {
  if (typeof name !== "string" || name === "") throw new CheckDefinitionError(String(name), "a custom check needs a name");
  const severity = readSeverity(options, name);
  const { initial, add, merge, evaluate } = options;
  if (typeof evaluate !== "function") throw new CheckDefinitionError(name, "evaluate must be a function");
  if (add && (!initial || !merge)) throw new CheckDefinitionError(name, "a check with add also needs initial and merge");
  const check = {
    name,
    severity,
    evaluate: (state, ctx) => toResult({ name, severity }, evaluate(state, ctx))
  };
  if (initial) check.initial = initial;
  if (add) check.add = add;
  if (merge) check.merge = merge;
  return check;
}
function toResult(check, verdict) {
  if (typeof verdict === "boolean") {
    return makeResult(check, verdict, null, null, `${check.name}: ${verdict ? "passed" : "failed"}`);
  }
  if (typeof verdict !== "object" || verdict === null || typeof verdict.passed !== "boolean") {
    throw new Error(`evaluate must return a boolean or { passed: boolean, \u2026 }, not ${JSON.stringify(verdict) ?? String(verdict)}`);
  }
  const { passed, observed = null, expected = null, examples } = verdict;
  const message = verdict.message ?? `${check.name}: ${passed ? "passed" : "failed"}`;
  return makeResult(check, passed, observed, expected, message, examples);
}

// src/validate/fields-present.ts
function fieldsPresent(fieldsOf) {
  const fields = [...fieldsOf.keys()];
  return {
    name: "checked fields exist",
    severity: "fail",
    initial: () => ({ seen: [] }),
    add(state, records) {
      for (const field of fields) {
        if (state.seen.includes(field)) continue;
        if (records.some((record) => field in record)) state.seen.push(field);
      }
      return state;
    },
    merge: (a, b) => ({ seen: [.../* @__PURE__ */ new Set([...a.seen, ...b.seen])].sort() }),
    evaluate(state, ctx) {
      const seen = new Set(state?.seen ?? []);
      const missing = ctx.counts.rowsOut === 0 ? [] : fields.filter((f) => !seen.has(f));
      const passed = missing.length === 0;
      const described = missing.map((f) => `\`${f}\` (read by ${fieldsOf.get(f).join(", ")})`);
      return {
        name: "checked fields exist",
        severity: "fail",
        passed,
        observed: { missing },
        expected: { fields },
        message: passed ? `every checked field is present (${fields.join(", ")})` : `field ${described.join(", ")} is in none of the ${ctx.counts.rowsOut.toLocaleString("en-US")} rows written; check its name`
      };
    }
  };
}

// src/validate/stats.ts
function makeStats(checks) {
  return statsOf(checks, checks.map((check) => check.initial ? check.initial() : null));
}
function restoreStats(checks, saved) {
  if (!Array.isArray(saved) || saved.length !== checks.length) {
    const found = Array.isArray(saved) ? `${saved.length} entries` : typeof saved;
    throw new Error(`checkpoint statistics do not fit the stage's ${checks.length} checks (found ${found}); the checks changed since the checkpoint was saved, so run with --fresh`);
  }
  checks.forEach((check, i) => {
    if (needsState(check) && (saved[i] === null || saved[i] === void 0)) {
      throw new Error(`checkpoint statistics have no state for check ${check.name}; the checks changed since the checkpoint was saved, so run with --fresh`);
    }
  });
  return statsOf(checks, [...saved]);
}
function statsOf(checks, states) {
  return {
    add(records) {
      if (records.length === 0) return;
      for (let i = 0; i < checks.length; i++) {
        const check = checks[i];
        if (check.add) states[i] = check.add(states[i], records);
      }
    },
    state: () => [...states]
  };
}

// src/validate/describe-error.ts
function describeError(thrown) {
  if (thrown instanceof Error) return thrown.message;
  return typeof thrown === "string" ? thrown : String(thrown);
}

// src/validate/merge-stats.ts
function mergeStats(checks, states) {
  return checks.map((check, i) => needsState(check) ? mergeCheck(check, i, states) : null);
}
function mergeCheck(check, index, shards) {
  if (shards.length === 0) return missingState("no shard sent statistics");
  const parts = [];
  for (let s = 0; s < shards.length; s++) {
    const state = shards[s]?.[index];
    const reason = missingReason(state);
    if (reason !== null) {
      const what = state === null || state === void 0 ? "sent no statistics" : `has no statistics (${reason})`;
      return missingState(`shard ${s + 1}/${formatCount(shards.length)} ${what}`);
    }
    parts.push(state);
  }
  if (parts.length === 1) return parts[0];
  if (!check.merge) return missingState(`the check has no merge, so the statistics of ${formatCount(parts.length)} shards cannot be combined`);
  try {
    return parts.reduce((a, b) => check.merge(a, b));
  } catch (error) {
    return missingState(`merging the shards' statistics failed: ${describeError(error)}`);
  }
}

// src/validate/evaluate-gate.ts
function evaluateGate(options) {
  const { pipeline, stage, runId, checks, state, counts, lastSuccess, now } = options;
  const ctx = { stage, counts, lastSuccess, now };
  const results = checks.map((check, i) => evaluateCheck(check, state[i], ctx));
  const passed = results.every((r) => r.passed || r.severity !== "fail");
  return { pipeline, stage, runId, passed, counts, checks: results, evaluatedAt: now.toISOString() };
}
function evaluateCheck(check, state, ctx) {
  const identity = { name: check.name, severity: check.severity };
  if (needsState(check)) {
    const reason = missingReason(state);
    if (reason !== null) {
      return makeResult(identity, false, null, null, `${check.name}: not evaluated, ${reason}; the check fails closed`);
    }
  }
  try {
    const result = check.evaluate(state ?? void 0, ctx);
    if (typeof result !== "object" || result === null || typeof result.passed !== "boolean") {
      return makeResult(identity, false, null, null, `${check.name}: the check returned no result`);
    }
    return { ...identity, ...result, ...identity };
  } catch (error) {
    return makeResult(identity, false, null, null, `${check.name}: the check threw an error: ${describeError(error)}`);
  }
}

// src/validate/markdown-escape.ts
var INLINE_SPECIAL = /[\\`*_[\]<>|~&]/g;
function escapeMarkdown(text) {
  const escaped = text.replace(INLINE_SPECIAL, "\\$&").replace(/\r\n|\r|\n/g, "<br>");
  if (/^([#+=-])(\s|\1|$)/.test(escaped)) return `\\${escaped}`;
  return escaped.replace(/^(\d+)([.)])(?=\s|$)/, "$1\\$2");
}

// src/validate/render-gate-markdown.ts
var TAIL_RESERVE = 256;
var CELL_LIMIT = 300;
var Budget = class {
  constructor(limit) {
    this.limit = limit;
  }
  limit;
  lines = [];
  used = 0;
  /** Adds a line if it fits (counting its newline); says whether it did. */
  add(line) {
    return this.addAll([line]);
  }
  /** Adds all the lines if they all fit, else none; says whether it did. */
  addAll(lines) {
    let bytes = 0;
    for (const line of lines) bytes += Buffer.byteLength(line, "utf8") + 1;
    if (this.used + bytes > this.limit) return false;
    this.lines.push(...lines);
    this.used += bytes;
    return true;
  }
};
function renderGateMarkdown(report, options = {}) {
  const maxBytes = options.maxBytes ?? 1e6;
  if (!(maxBytes >= 1024)) throw new RangeError(`maxBytes must be at least 1,024, not ${maxBytes}`);
  const budget = new Budget(maxBytes - TAIL_RESERVE);
  const checks = orderForReading(report.checks);
  for (const line of headerLines(report)) budget.add(line);
  const shown = addTable(budget, checks);
  const omitted = { checks: checks.length - shown, details: 0, examples: 0 };
  for (const check of checks.slice(shown)) omitted.examples += check.examples?.length ?? 0;
  addDetails(budget, checks.slice(0, shown), omitted);
  const lines = budget.lines;
  if (omitted.checks + omitted.details + omitted.examples > 0) lines.push("", cutLine(maxBytes, omitted));
  return `${lines.join("\n")}
`;
}
function orderForReading(checks) {
  const rank = (c) => c.passed ? 2 : c.severity === "fail" ? 0 : 1;
  return [...checks].sort((a, b) => rank(a) - rank(b));
}
function headerLines(report) {
  const failed = report.checks.filter((c) => !c.passed && c.severity === "fail").length;
  const warned = report.checks.filter((c) => !c.passed && c.severity === "warn").length;
  const { rowsIn, rowsOut, rowsInvalid } = report.counts;
  return [
    `## ${report.passed ? "\u2705 Gate passed" : "\u274C Gate failed"}: stage ${escapeMarkdown(report.stage)}`,
    "",
    `Pipeline ${escapeMarkdown(report.pipeline)}, run ${escapeMarkdown(report.runId)}, evaluated ${report.evaluatedAt}.`,
    `Rows in ${formatCount(rowsIn)}, out ${formatCount(rowsOut)}, invalid ${formatCount(rowsInvalid)}. ${formatCountOf(report.checks.length, "check")}: ${formatCount(failed)} failed, ${formatCount(warned)} warned, ${formatCount(report.checks.length - failed - warned)} passed.`,
    ""
  ];
}
function addTable(budget, checks) {
  if (!budget.add("| check | severity | result | observed | expected |")) return 0;
  if (!budget.add("| --- | --- | --- | --- | --- |")) return 0;
  let shown = 0;
  for (const check of checks) {
    const cells = [check.name, check.severity, resultLabel(check), describeValue(check.observed), describeValue(check.expected)];
    if (!budget.add(`| ${cells.map((cell, i) => i === 2 ? cell : escapeMarkdown(cell)).join(" | ")} |`)) break;
    shown += 1;
  }
  return shown;
}
function addDetails(budget, checks, omitted) {
  if (checks.length === 0 || !budget.add("") || !budget.add("### Details")) {
    countLeftOut(checks, 0, 0, omitted);
    return;
  }
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i];
    const block = ["", `#### ${resultLabel(check)} ${escapeMarkdown(check.name)}`, "", escapeMarkdown(check.message)];
    if (!budget.addAll(block)) {
      countLeftOut(checks, i, 0, omitted);
      return;
    }
    const examples = check.examples ?? [];
    if (examples.length > 0 && !budget.addAll(["", "Examples:"])) {
      countLeftOut(checks, i, 0, omitted, false);
      return;
    }
    for (let e = 0; e < examples.length; e++) {
      if (!budget.add(`- ${describeExample(examples[e])}`)) {
        countLeftOut(checks, i, e, omitted, false);
        return;
      }
    }
  }
}
function countLeftOut(checks, from, example, omitted, includeFirst = true) {
  for (let i = from; i < checks.length; i++) {
    if (i > from || includeFirst) omitted.details += 1;
    const examples = checks[i].examples?.length ?? 0;
    omitted.examples += i === from ? examples - example : examples;
  }
}
function cutLine(maxBytes, omitted) {
  const parts = [];
  if (omitted.checks > 0) parts.push(`${formatCountOf(omitted.checks, "more check", "more checks")}`);
  if (omitted.details > 0) parts.push(`the details of ${formatCountOf(omitted.details, "check")}`);
  if (omitted.examples > 0) parts.push(`${formatCountOf(omitted.examples, "more example", "more examples")}`);
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `_Cut to fit ${formatCount(maxBytes)} bytes: ${listed} are in the JSON report._`;
}
function resultLabel(check) {
  if (check.passed) return "\u2705 passed";
  return check.severity === "warn" ? "\u26A0\uFE0F warning" : "\u274C failed";
}
function describeValue(value) {
  let text;
  if (value === null || value === void 0) text = "\u2014";
  else if (typeof value === "string") text = value;
  else if (typeof value === "object" && !Array.isArray(value)) {
    text = Object.entries(value).map(([key, v]) => `${key}: ${jsonText2(v)}`).join(", ");
  } else text = jsonText2(value);
  return text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT - 1)}\u2026` : text;
}
function describeExample(example) {
  if (typeof example === "object" && example !== null && "value" in example) {
    const { value, count, note } = example;
    const times = typeof count === "number" ? ` \xD7${formatCount(count)}` : "";
    const because = typeof note === "string" ? ` (${note})` : "";
    return escapeMarkdown(shorten(`${jsonText2(value)}${times}${because}`));
  }
  return escapeMarkdown(shorten(jsonText2(example)));
}
function shorten(text) {
  return text.length > CELL_LIMIT ? `${text.slice(0, CELL_LIMIT - 1)}\u2026` : text;
}
function jsonText2(value) {
  if (value === void 0) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// src/validate/write-gate-report.ts
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
async function writeGateReport(dir, report) {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `gate-${safeFileName(report.stage)}`);
  const files = { json: `${base}.json`, markdown: `${base}.md` };
  await writeAtomically(files.json, `${JSON.stringify(report, null, 2)}
`);
  await writeAtomically(files.markdown, renderGateMarkdown(report));
  return files;
}
async function writeAtomically(path, text) {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, text, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
function safeFileName(stage) {
  const safe = stage.replace(/[^A-Za-z0-9._-]/g, "_");
  return safe === "" || /^\.+$/.test(safe) ? "_" : safe;
}

// src/pipeline/dag.ts
function orderStages(stages) {
  const problems = [];
  const byId = /* @__PURE__ */ new Map();
  stages.forEach((stage, index) => {
    if (typeof stage?.id !== "string") return;
    if (byId.has(stage.id)) {
      problems.push({ path: ["stages", index, "id"], message: `duplicate stage id "${stage.id}"` });
    } else byId.set(stage.id, stage);
  });
  const needsOf = (stage) => Array.isArray(stage?.needs) ? stage.needs.filter((n) => typeof n === "string") : [];
  stages.forEach((stage, index) => {
    needsOf(stage).forEach((need, needIndex) => {
      if (!byId.has(need)) {
        problems.push({
          path: ["stages", index, "needs", needIndex],
          message: `unknown stage "${need}"`
        });
      }
    });
  });
  const order = [];
  const state = /* @__PURE__ */ new Map();
  const visit = (stage, trail) => {
    const id = stage.id;
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(id)), id].join(" \u2192 ");
      const index = stages.indexOf(stage);
      problems.push({ path: ["stages", index, "needs"], message: `cycle: ${cycle}` });
      return;
    }
    state.set(id, "visiting");
    for (const need of needsOf(stage)) {
      const upstream = byId.get(need);
      if (upstream) visit(upstream, [...trail, id]);
    }
    state.set(id, "done");
    order.push(stage);
  };
  for (const stage of byId.values()) visit(stage, []);
  return { order, problems };
}

export {
  DefinitionError,
  UsageError,
  NonRetryableError,
  StageError,
  InterruptedError,
  describeCause,
  toError,
  CheckDefinitionError,
  rowCount,
  notNull,
  unique,
  allowedValues,
  range,
  mean,
  quantile,
  freshness,
  invalidFraction,
  custom,
  fieldsPresent,
  makeStats,
  restoreStats,
  mergeStats,
  evaluateGate,
  renderGateMarkdown,
  writeGateReport,
  orderStages
};
