/* A scan's review and grading pages: the person's decisions become the overrides file.

   The file as the run read it is embedded in the page (#overrides, JSON). A decision is
   kept in this browser's localStorage under the folder's address and the run (the page's
   data-run), so the review page and every grading page of one run add to one file and a
   reload loses nothing; a later run (its file holds them) starts afresh. The file shown
   and offered for download is the embedded one with every kept decision applied: a
   reading, a page's booklet and page or "ignore", marks; null removes the key. Text from
   the pages is only ever set as text. No network, no libraries. */
(function () {
  "use strict";

  var SECTIONS = ["groups", "pages", "marks"];
  var body = document.body;
  var source = document.getElementById("overrides");
  if (!source) {
    return;
  }
  var file = JSON.parse(source.textContent);
  var run = body.getAttribute("data-run");
  var storeKey = "solver-scan/" + window.location.href.replace(/[?#].*$/, "")
    .replace(/[^\/]*$/, "");

  function byId(id) {
    return document.getElementById(id);
  }

  function empty() {
    return { run: run, groups: {}, pages: {}, marks: {} };
  }

  var memory = empty(); // the decisions, when this browser's storage cannot keep them
  var forgetful = false;

  /* The decisions kept for this folder and run (another run's are dropped). */
  function kept() {
    if (forgetful) {
      return memory;
    }
    try {
      var found = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      memory = empty();
      if (found && found.run === run) {
        SECTIONS.forEach(function (section) {
          memory[section] = found[section] || {};
        });
      }
    } catch (error) {
      forgetful = true; // storage switched off: the page works, it forgets on reload
    }
    return memory;
  }

  function keep(section, key, value) {
    var decisions = kept();
    decisions[section][key] = value;
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(decisions));
    } catch (error) {
      forgetful = true;
    }
  }

  function sorted(object) {
    var result = {};
    Object.keys(object).sort().forEach(function (key) {
      result[key] = object[key];
    });
    return result;
  }

  /* The whole file: what it held, every kept decision applied, keys in order. */
  function merged(decisions) {
    var whole = JSON.parse(JSON.stringify(file));
    SECTIONS.forEach(function (section) {
      whole[section] = whole[section] || {};
      Object.keys(decisions[section]).forEach(function (key) {
        if (decisions[section][key] === null) {
          delete whole[section][key];
        } else {
          whole[section][key] = decisions[section][key];
        }
      });
      whole[section] = sorted(whole[section]);
    });
    return sorted(whole);
  }

  /* --- what each control means ------------------------------------------------------- */

  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-section]"));

  function checked(block) {
    var radio = block.querySelector("input[type=radio]:checked");
    return radio ? radio.value : null;
  }

  function whole(input) {
    var text = input.value.trim();
    return /^[0-9]+$/.test(text) && Number(text) >= 1 ? Number(text) : null;
  }

  /* {value, message}: value undefined when what is typed is not a decision yet. */
  function reading(block) {
    var section = block.getAttribute("data-section");
    if (section === "groups") {
      return { value: checked(block) };
    }
    if (section === "marks") {
      var input = block.querySelector("input");
      var top = Number(input.getAttribute("max"));
      if (input.validity.badInput) {
        return { message: "Not a number: give marks from 0 to " + top + "." };
      }
      if (input.value.trim() === "") {
        return { value: null };
      }
      var marks = Number(input.value);
      if (!(marks >= 0 && marks <= top && Math.round(marks * 2) === marks * 2)) {
        return { message: "Give marks from 0 to " + top + " in steps of 0.5." };
      }
      return { value: marks };
    }
    var choice = checked(block);
    if (choice === "ignore") {
      return { value: "ignore" };
    }
    if (choice !== "assign") {
      return { value: null };
    }
    var booklet = whole(block.querySelector("[data-field=booklet]"));
    var page = whole(block.querySelector("[data-field=page]"));
    if (booklet === null || page === null) {
      return { message: "Type the booklet and the page, whole numbers from 1." };
    }
    return { value: { booklet: booklet, page: page } };
  }

  function words(section, value) {
    if (value === undefined || value === null) {
      return { groups: "none: not counted until decided", pages: "not used until decided",
               marks: "not graded yet" }[section];
    }
    if (section === "pages") {
      return value === "ignore" ? "ignored" :
        "booklet " + value.booklet + ", page " + value.page;
    }
    if (section === "marks") {
      return "given: " + value;
    }
    return { "-": "\u2212 (minus)", "+": "+ (plus)" }[value] || String(value);
  }

  /* A control set to a kept decision (made earlier, or on another tab). */
  function show(block, value) {
    var section = block.getAttribute("data-section");
    if (section === "marks") {
      var input = block.querySelector("input");
      if (document.activeElement !== input) {
        input.value = value === null ? "" : String(value);
      }
      return;
    }
    var choice = value;
    if (section === "pages") {
      choice = value === null ? "open" : value === "ignore" ? "ignore" : "assign";
      if (choice === "assign") {
        block.querySelector("[data-field=booklet]").value = String(value.booklet);
        block.querySelector("[data-field=page]").value = String(value.page);
      }
    }
    Array.prototype.forEach.call(block.querySelectorAll("input[type=radio]"), function (radio) {
      radio.checked = radio.value === choice;
    });
  }

  /* --- the page brought up to date ---------------------------------------------------- */

  var count = byId("count");
  var text = byId("file-text");
  var link = byId("download");
  var address = null;

  function refresh() {
    var result = merged(kept());
    var decided = 0;
    blocks.forEach(function (block) {
      var section = block.getAttribute("data-section");
      var value = result[section][block.getAttribute("data-key")];
      var now = byId(block.getAttribute("data-now-id")).querySelector("[data-now]");
      now.textContent = words(section, value);
      var card = block.closest(".card");
      card.setAttribute("data-state", value === undefined ? "open" : "decided");
      if (value !== undefined) {
        decided += 1;
      }
    });
    count.textContent = decided + " of " + blocks.length + " decided" +
      (decided < blocks.length ? "; " + (blocks.length - decided) + " to go" : "");
    var json = JSON.stringify(result, null, 2) + "\n";
    text.value = json;
    if (address) {
      URL.revokeObjectURL(address);
    }
    address = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    link.href = address;
    link.hidden = false;
  }

  /* A control changed: its decision kept (null while what is typed is not one). */
  function decide(block) {
    var found = reading(block);
    var invalid = found.message !== undefined;
    Array.prototype.forEach.call(block.querySelectorAll("input:not([type=radio])"),
      function (input) {
        input.setAttribute("aria-invalid", invalid ? "true" : "false");
      });
    keep(block.getAttribute("data-section"), block.getAttribute("data-key"),
      invalid ? null : found.value);
    refresh();
    var message = block.querySelector("[data-message]");
    if (message) {
      message.textContent = invalid ? found.message : "";
    } else if (invalid) { // said where the decision is shown
      byId(block.getAttribute("data-now-id")).querySelector("[data-now]").textContent =
        found.message;
    }
  }

  var earlier = kept();
  blocks.forEach(function (block, index) {
    var section = block.getAttribute("data-section");
    var value = earlier[section][block.getAttribute("data-key")];
    if (value !== undefined) {
      show(block, value);
    }
    block.addEventListener("change", function () {
      decide(block);
    });
    block.addEventListener("input", function (event) {
      if (event.target.type !== "radio") {
        if (section === "pages") { // typing a booklet or page chooses "use it as"
          block.querySelector("input[value=assign]").checked = true;
        }
        decide(block);
      }
    });
    if (section === "marks") { // Enter: the next answer's marks
      block.querySelector("input").addEventListener("keydown", function (event) {
        var next = blocks[index + 1];
        if (event.key === "Enter" && next) {
          event.preventDefault();
          next.querySelector("input").focus();
          next.closest(".card").scrollIntoView({ block: "nearest" });
        }
      });
    }
  });

  /* Another tab of this folder decided something: show it here too. */
  window.addEventListener("storage", function (event) {
    if (event.key !== storeKey) {
      return;
    }
    var decisions = kept();
    blocks.forEach(function (block) {
      var value = decisions[block.getAttribute("data-section")][block.getAttribute("data-key")];
      if (value !== undefined) {
        show(block, value);
      }
    });
    refresh();
  });

  refresh();
}());
