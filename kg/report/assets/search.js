/* kg report: the search page (search.html?q=words), offline and from file://.
   The index is a folder of scripts (kg/report/search.py writes them): search/manifest.js,
   then only the shards the query's words need (search/t-<key>.js) and the chunks of the
   documents shown (search/d-<n>.js), each added as a <script> that calls kgSearch.
   Every word must match a whole token, except the last, which may be a token's start (as
   one types); a last word of one letter after others only ranks. Document ids are the
   static ranking (topics, people, papers; fewer words; most papers or newest); results
   whose last word is a whole token come first. Text reaches the page only as textContent.
   The results list gets data-state="done", data-count and data-ms (ms since the page
   started loading), which the tests and the benchmark read. */
(function () {
  "use strict";

  var BASE = "search/";
  var SHOWN = 20;
  var manifest = null;
  var keys = null;
  var shards = {};
  var chunks = {};
  var loading = {};
  var generation = 0;
  var own = Object.prototype.hasOwnProperty;

  function normalise(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "").replace(/\u00df/g, "ss");
  }

  function tokens(text) {
    return normalise(text).split(/[^\p{L}\p{N}]+/u).filter(function (t) { return t !== ""; });
  }

  function chars(text) { return Array.from(text); }

  function shardFile(key) {
    if (/^[a-z0-9]+$/.test(key)) { return "t-" + key + ".js"; }
    var hex = "";
    new TextEncoder().encode(key).forEach(function (b) {
      hex += (b < 16 ? "0" : "") + b.toString(16);
    });
    return "u-" + hex + ".js";
  }

  function keyFor(token) {
    var cs = chars(token);
    for (var n = Math.min(cs.length, manifest.maxKey); n > 0; n--) {
      var key = cs.slice(0, n).join("");
      if (keys.has(key)) { return key; }
    }
    return null;
  }

  function prefixed(word) { return chars(word).length > 1; }

  /* The shard keys a word needs: its own, and for a prefix every longer key it starts. */
  function keysFor(word, prefix) {
    var found = [];
    var key = keyFor(word);
    if (key !== null) { found.push(key); }
    if (prefix) {
      manifest.shards.forEach(function (k) {
        if (k.length > word.length && k.lastIndexOf(word, 0) === 0) { found.push(k); }
      });
    }
    return found;
  }

  /* Load scripts (each once) and call done when all have run or failed. */
  function load(files, table, done) {
    var waiting = 0;
    function finished() {
      waiting -= 1;
      if (waiting === 0) { done(); }
    }
    files.forEach(function (file) {
      if (own.call(table, file)) { return; }
      waiting += 1;
      if (own.call(loading, file)) { loading[file].push(finished); return; }
      loading[file] = [finished];
      var script = document.createElement("script");
      script.src = BASE + file;
      script.onload = script.onerror = function () {
        if (!own.call(table, file)) { table[file] = null; }
        var calls = loading[file];
        delete loading[file];
        calls.forEach(function (call) { call(); });
      };
      document.head.appendChild(script);
    });
    if (waiting === 0) { done(); }
  }

  function postings(token) {
    var key = keyFor(token);
    var shard = key === null ? null : shards[shardFile(key)];
    if (!shard || !own.call(shard, token)) { return []; }
    var deltas = shard[token], ids = new Array(deltas.length), at = 0;
    for (var i = 0; i < deltas.length; i++) { at += deltas[i]; ids[i] = at; }
    return ids;
  }

  /* Tokens of the loaded shards that start with word. */
  function startingWith(word, needed) {
    var found = [];
    needed.forEach(function (key) {
      var shard = shards[shardFile(key)];
      if (!shard) { return; }
      Object.keys(shard).forEach(function (token) {
        if (token.lastIndexOf(word, 0) === 0) { found.push(token); }
      });
    });
    return found;
  }

  /* Ids of the documents every required word matches, best first. */
  function match(words, plan) {
    var total = manifest.docs;
    var hits = new Uint8Array(total);
    var exact = new Uint8Array(total);
    plan.required.forEach(function (word, i) {
      var last = i === plan.required.length - 1 && !plan.optional;
      var found = last && prefixed(word) ? startingWith(word, plan.keys[i]) : [word];
      found.forEach(function (token) {
        postings(token).forEach(function (id) {
          if (hits[id] === i) { hits[id] = i + 1; }
        });
      });
    });
    postings(words[words.length - 1]).forEach(function (id) { exact[id] = 1; });
    var need = plan.required.length, first = [], rest = [];
    for (var id = 0; id < total; id++) {
      if (hits[id] === need) { (exact[id] ? first : rest).push(id); }
    }
    return first.concat(rest);
  }

  function kindOf(id) {
    for (var i = 0; i < manifest.kinds.length; i++) {
      var span = manifest.kinds[i];
      if (id >= span[1] && id < span[2]) { return span[0]; }
    }
    return "";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function show(list, ids, from, more, then) {
    var part = ids.slice(from, from + SHOWN);
    var files = part.map(function (id) { return "d-" + Math.floor(id / manifest.chunk) + ".js"; });
    load(files, chunks, function () {
      part.forEach(function (id) {
        var rows = chunks["d-" + Math.floor(id / manifest.chunk) + ".js"];
        var doc = rows && rows[id % manifest.chunk];
        if (!doc) { return; }
        var item = el("li", "result " + kindOf(id));
        item.appendChild(el("span", "badge", kindOf(id)));
        item.appendChild(document.createTextNode(" "));
        if (doc[2]) {
          item.appendChild(el("span", "date", doc[2]));
          item.appendChild(document.createTextNode(" "));
        }
        var link = el("a", "title", doc[1]);
        link.href = doc[0];
        item.appendChild(link);
        if (doc[3]) {
          item.appendChild(el("br"));
          item.appendChild(el("span", "authors", doc[3]));
        }
        list.appendChild(item);
      });
      more.hidden = from + SHOWN >= ids.length;
      more.onclick = function () { show(list, ids, from + SHOWN, more, function () {}); };
      then();
    });
  }

  function run(query) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var mine = ++generation;
    var words = tokens(query);
    list.textContent = "";
    more.hidden = true;
    list.removeAttribute("data-state");
    if (!words.length) {
      status.textContent = query.trim() ? "Type letters or digits to search." :
        "Type words to find papers, people and topics.";
      finish(list, 0);
      return;
    }
    var lastWord = words[words.length - 1];
    var optional = words.length > 1 && !prefixed(lastWord);
    var required = optional ? words.slice(0, -1) : words;
    var plan = { required: required, optional: optional, keys: [] };
    var needed = [];
    required.forEach(function (word, i) {
      var last = i === required.length - 1 && !optional;
      plan.keys.push(keysFor(word, last && prefixed(word)));
      needed = needed.concat(plan.keys[i]);
    });
    needed = needed.concat(keysFor(lastWord, false));
    status.textContent = "Searching\u2026";
    load(needed.map(shardFile), shards, function () {
      if (mine !== generation) { return; }
      var ids = match(words, plan);
      if (!ids.length) {
        status.textContent = "Nothing matched \u201c" + query.trim() + "\u201d.";
        finish(list, 0);
        return;
      }
      status.textContent = ids.length.toLocaleString("en") + (ids.length === 1 ? " result" :
        " results") + " for \u201c" + query.trim() + "\u201d.";
      show(list, ids, 0, more, function () {
        if (mine === generation) { finish(list, ids.length); }
      });
    });
  }

  function finish(list, count) {
    list.setAttribute("data-count", String(count));
    list.setAttribute("data-ms", String(Math.round(performance.now())));
    list.setAttribute("data-state", "done");
  }

  function start() {
    var input = document.getElementById("search-q");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        try {
          window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
        } catch (ignored) { /* file:// may refuse; the search runs anyway */ }
        run(input.value);
      }, 150);
    });
    run(query);
  }

  window.kgSearch = {
    manifest: function (found) {
      manifest = found;
      keys = new Set(found.shards);
      start();
    },
    add: function (key, table) { shards[shardFile(key)] = table; },
    docs: function (chunk, rows) { chunks["d-" + chunk + ".js"] = rows; },
    tokens: tokens
  };
}());
