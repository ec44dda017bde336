/* The practice site's script: checks a page's answers against its key (window.solverKey,
   from the page's key script), reveals the worked solution a step at a time, and keeps
   the student's progress in this browser's localStorage only. No network, no libraries.

   A value is marked as the Moodle bank marks it: the answers are tried in order (the right
   one, then each known wrong path) and the first whose window holds the value decides;
   a window is the value plus or minus its tolerance, widened as Moodle widens it
   (qtype_numerical: 1e-14 of the larger of the tolerance and the value). Text from the
   student is only ever set as text; HTML from the key was escaped when the site was built. */
(function () {
  "use strict";

  var body = document.body;
  var storeKey = body.getAttribute("data-store");

  function load(name) {
    try {
      var text = window.localStorage.getItem(name);
      return text ? JSON.parse(text) : null;
    } catch (error) {
      return null; // storage switched off or full: the page works, it only forgets
    }
  }

  function save(name, value) {
    try {
      window.localStorage.setItem(name, JSON.stringify(value));
    } catch (error) {
      /* as above */
    }
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function say(element, text, state) {
    element.textContent = text;
    if (state !== undefined) {
      element.setAttribute("data-state", state);
    }
  }

  /* --- the front page: progress per question ------------------------------------------ */

  if (body.getAttribute("data-form") === "index") {
    var marks = document.querySelectorAll("[data-progress]");
    Array.prototype.forEach.call(marks, function (mark) {
      var folder = mark.getAttribute("data-progress");
      var total = Number(mark.getAttribute("data-variants"));
      var done = 0;
      for (var n = 1; n <= total; n += 1) {
        var state = load(storeKey + "/" + folder + "/" + n);
        if (state && state.done) {
          done += 1;
        }
      }
      if (done) {
        mark.textContent = done + " done";
      }
    });
    return;
  }

  /* --- a question's page -------------------------------------------------------------- */

  var key = window.solverKey;
  if (!key) {
    return;
  }
  var pageKey = storeKey + "/" + body.getAttribute("data-page");
  var state = load(pageKey) || {};
  state.fields = state.fields || {};
  state.ticks = state.ticks || {};

  function remember() {
    save(pageKey, state);
  }

  /* A number as a student writes it: 0.389, -0.2, −0.2, 0,389, 1e-3, 7/18. */
  var NUMBER = /^[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?$/;

  function parse(text) {
    var value = text.trim().replace(/\u2212/g, "-");
    if (!value) {
      return null;
    }
    var fraction = value.split("/");
    if (fraction.length === 2 && NUMBER.test(fraction[0].trim()) && NUMBER.test(fraction[1].trim())) {
      var denominator = Number(fraction[1].trim().replace(",", "."));
      return denominator === 0 ? NaN : Number(fraction[0].trim().replace(",", ".")) / denominator;
    }
    return NUMBER.test(value) ? Number(value.replace(",", ".")) : NaN;
  }

  function within(answer, response) {
    var value = Number(answer.value);
    var tolerance = Math.abs(Number(answer.tolerance));
    var epsilon = 1e-14;
    var widened = tolerance + epsilon * Math.max(tolerance, Math.abs(value), epsilon);
    return value - widened <= response && response <= value + widened;
  }

  /* {state: "right" | "mistake" | "wrong" | "empty" | "invalid", wrong?: the path} */
  function verdict(gap, text) {
    var response = parse(text);
    if (response === null) {
      return { state: "empty" };
    }
    if (!isFinite(response)) {
      return { state: "invalid" };
    }
    if (within(gap, response)) {
      return { state: "right" };
    }
    for (var i = 0; i < gap.wrong.length; i += 1) {
      if (within(gap.wrong[i], response)) {
        return { state: "mistake", wrong: gap.wrong[i] };
      }
    }
    return { state: "wrong" };
  }

  var WORDS = {
    right: "Right.",
    wrong: "Not right.",
    invalid: "Not a number: write a decimal such as -1.25, or a fraction a/b.",
    empty: ""
  };

  var inputs = document.querySelectorAll("input[data-gap]");
  var summary = byId("summary");

  function checkGaps() {
    var points = 0;
    var total = 0;
    var filled = 0;
    var firstWrong = null;
    Array.prototype.forEach.call(inputs, function (input) {
      var gap = key.gaps[Number(input.getAttribute("data-gap"))];
      var found = verdict(gap, input.value);
      var status = byId(input.id + "-status");
      var text = WORDS[found.state];
      total += gap.points;
      if (found.state === "right") {
        points += gap.points;
      } else if (found.state === "mistake") {
        points += gap.points * found.wrong.credit / 100;
      }
      if (found.state !== "empty") {
        filled += 1;
      }
      if (firstWrong === null && (found.state === "mistake" || found.state === "wrong" ||
          found.state === "invalid")) {
        firstWrong = gap;
      }
      if (found.state === "mistake") { // the mistake's name: escaped when the site was built
        say(status, "", found.state);
        status.insertAdjacentHTML("beforeend", "A known mistake: " + found.wrong.name + " (" +
          found.wrong.credit + " % of this value’s marks).");
      } else {
        say(status, text, found.state);
      }
      input.setAttribute("aria-invalid", found.state === "right" || found.state === "empty" ? "false" : "true");
    });
    var marks = Math.round(points * 100) / 100 + " of " + Math.round(total * 100) / 100;
    if (!filled) {
      say(summary, "", "empty");
    } else if (firstWrong !== null) {
      var where = Object.keys(key.parts).length > 1 ?
        "The first wrong value is in " + key.parts[firstWrong.part] + "." : "Not right yet.";
      say(summary, where + " Points so far: " + marks + ".", "wrong");
    } else if (filled < inputs.length) {
      say(summary, "Right so far; " + (inputs.length - filled) + " value" +
        (inputs.length - filled === 1 ? "" : "s") + " to go.", "partial");
    } else {
      say(summary, "Every value is right: " + marks + " points.", "right");
    }
    state.done = filled === inputs.length && firstWrong === null && inputs.length > 0;
  }

  /* --- multiple choice: chosen, then checked (arrow keys move between options freely) -- */

  var radios = document.querySelectorAll("input[name=choice]");
  var checkButton = byId("check-choice");

  function checkChoice(reveal) {
    var chosen = document.querySelector("input[name=choice]:checked");
    if (!chosen) {
      return;
    }
    var status = byId("choice-status");
    if (chosen.value === key.right) {
      say(status, "Right: " + chosen.value + ".", "right");
    } else {
      say(status, "Not " + chosen.value + ": the right option is " + key.right +
        ". The worked solution below says why.", "wrong");
    }
    state.choice = chosen.value;
    if (!state.first) {
      state.first = chosen.value; // the first answer checked is the one that counts
    }
    state.done = state.first === key.right;
    if (reveal) {
      showSteps(key.steps.length + 1);
    }
    checkButton.disabled = true; // until another option is chosen
  }

  /* --- the worked solution, a step at a time ------------------------------------------ */

  var list = byId("steps");
  var count = byId("step-count");
  var final = byId("final");
  var next = byId("next-step");
  var all = byId("all-steps");
  var hide = byId("hide-steps");
  var checklist = byId("checklist");
  var shown = 0;

  function showSteps(upTo) {
    var last = Math.min(upTo, key.steps.length + 1);
    while (shown < last) {
      if (shown < key.steps.length) {
        var item = document.createElement("li");
        item.className = "step";
        item.insertAdjacentHTML("beforeend", key.steps[shown]); // escaped at build time
        list.appendChild(item);
      } else {
        final.insertAdjacentHTML("beforeend", '<h3>Final answer</h3>' + key.final);
        if (key.rubric.length) {
          checklist.hidden = false;
        }
      }
      shown += 1;
    }
    var total = key.steps.length + 1;
    if (shown === 0) {
      say(count, "");
    } else if (shown < total) {
      say(count, "Shown: item " + shown + " of " + key.steps.length +
        "; the final answer comes after the last.");
    } else {
      say(count, "The whole solution is shown: its " + key.steps.length + " numbered item" +
        (key.steps.length === 1 ? "" : "s") + " and the final answer.");
    }
    next.disabled = shown >= total;
    all.disabled = shown >= total;
    hide.disabled = shown === 0;
    next.textContent = shown === key.steps.length ? "Show the final answer" : "Next step";
    state.steps = shown;
    remember();
  }

  function hideSteps() {
    list.textContent = "";
    final.textContent = "";
    checklist.hidden = true;
    shown = 0;
    showSteps(0);
    next.focus();
  }

  next.addEventListener("click", function () {
    // The focus stays here, so Enter reveals one more; the list is a live region that
    // reads the new item, which is scrolled into view.
    showSteps(shown + 1);
    var items = list.querySelectorAll("li.step");
    var newest = shown > key.steps.length ? final : items[items.length - 1];
    if (newest && newest.scrollIntoView) {
      newest.scrollIntoView({ block: "nearest" });
    }
    if (next.disabled) {
      all.focus();
      if (all.disabled) {
        hide.focus();
      }
    }
  });
  all.addEventListener("click", function () {
    showSteps(key.steps.length + 1);
  });
  hide.addEventListener("click", hideSteps);

  /* --- self-marking against the rubric ------------------------------------------------ */

  var items = byId("checklist-items");
  var selfScore = byId("self-score");

  function tally() {
    var got = 0;
    var of = 0;
    key.rubric.forEach(function (line, index) {
      line.items.forEach(function (item, number) {
        of += item.points;
        if (state.ticks[index + "." + number]) {
          got += item.points;
        }
      });
    });
    say(selfScore, "You give yourself " + got + " of " + of + " point" + (of === 1 ? "" : "s") +
      " for the parts you mark yourself.");
    if (key.form === "essay") {
      state.done = of > 0 && got === of;
    }
  }

  function points(number) {
    return number + (number === 1 ? " pt" : " pts");
  }

  key.rubric.forEach(function (line, index) {
    var head = document.createElement("p");
    head.className = "rubric-line";
    head.textContent = line.name + " (" + points(line.points) + ")";
    items.appendChild(head);
    line.items.forEach(function (item, number) {
      var name = index + "." + number;
      var row = document.createElement("div");
      row.className = "tick";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "tick-" + index + "-" + number;
      box.checked = Boolean(state.ticks[name]);
      var label = document.createElement("label");
      label.htmlFor = box.id;
      label.insertAdjacentHTML("beforeend", item.html + " (" + points(item.points) + ")"); // escaped at build time
      box.addEventListener("change", function () {
        state.ticks[name] = box.checked;
        tally();
        remember();
      });
      row.appendChild(box);
      row.appendChild(label);
      items.appendChild(row);
    });
  });

  /* --- the student's own text, kept ------------------------------------------------- */

  var saved = document.querySelectorAll("[data-save]");
  Array.prototype.forEach.call(saved, function (element) {
    var name = element.getAttribute("data-save");
    if (typeof state.fields[name] === "string") {
      element.value = state.fields[name];
    }
    element.addEventListener("input", function () {
      state.fields[name] = element.value;
      if (element.hasAttribute("data-gap")) {
        checkGaps();
      }
      remember();
    });
  });

  Array.prototype.forEach.call(radios, function (radio) {
    radio.checked = state.choice === radio.value;
    radio.addEventListener("change", function () {
      checkButton.disabled = false;
      say(byId("choice-status"), "");
    });
  });
  if (checkButton) {
    checkButton.disabled = true;
    checkButton.addEventListener("click", function () {
      checkChoice(true);
      remember();
    });
  }

  if (inputs.length) {
    checkGaps();
  }
  if (key.rubric.length) {
    tally();
  }
  if (state.choice) {
    checkChoice(false);
  }
  showSteps(state.steps || 0);
}());
