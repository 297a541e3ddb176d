// ParkOps page behaviour. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});

// A filter whose value the server refused is marked invalid next to its message
// (the message arrives with the table, in an htmx out-of-band swap).
function markInvalidFilters(root) {
  (root || document).querySelectorAll(".filter-errors[data-for]").forEach(function (box) {
    var input = document.getElementById(box.dataset.for);
    if (!input) {
      return;
    }
    var invalid = box.textContent.trim() !== "";
    input.classList.toggle("is-invalid", invalid);
    if (invalid) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  markInvalidFilters(document);
});
document.addEventListener("htmx:afterSettle", function () {
  markInvalidFilters(document);
});
// A destructive button asks first. Its form (or the button itself) carries the
// question in data-confirm, naming what will be lost; cancelling sends nothing.
// Listening in the capture phase puts the question before any other submit
// handler (htmx's included), so a cancelled form never reaches them.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    var button = event.submitter;
    var question =
      (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true
);

// Searchable pickers: a select marked data-searchable (core.forms.SearchableSelect)
// becomes a Tom Select that matches what is typed against each option's text and
// its pinyin (data-pinyin: full and initials, so "sz" finds 苏州). A multiple
// select's choices show as items removed with a tap (no Ctrl-click).
function initSearchable(root) {
  if (!window.TomSelect) {
    return;
  }
  (root || document).querySelectorAll("select[data-searchable]:not(.tomselected)").forEach(
    function (select) {
      var multiple = select.multiple;
      var settings = {
        searchField: ["text", "pinyin"],
        maxOptions: null,
        allowEmptyOption: !multiple,
        create: select.hasAttribute("data-create-pattern"),
        createFilter: select.getAttribute("data-create-pattern") || null,
        plugins: multiple ? ["remove_button"] : [],
        render: {
          no_results: function (data, escape) {
            return '<div class="no-results">' + escape(select.getAttribute("data-no-results") || "") + "</div>";
          },
          option_create: function (data, escape) {
            return '<div class="create">' + escape(data.input) + "</div>";
          },
        },
      };
      var url = select.getAttribute("data-picker-url");
      if (url) {
        // Records served a few at a time (core.pickers): the server matches what
        // is typed (names, pinyin, codes) and ranks; the picker shows its answer.
        settings.valueField = "value";
        settings.labelField = "text";
        settings.searchField = [];
        settings.preload = "focus";
        if (!multiple) {
          // "All" (the empty choice) is the placeholder, not an item: it is not
          // offered among the matches nor shown beside the typed text, and the
          // clear button shows only when a record is chosen.
          var empty = select.querySelector('option[value=""]');
          settings.allowEmptyOption = false;
          settings.placeholder = empty ? empty.textContent : "";
          settings.plugins = {
            clear_button: { title: select.getAttribute("data-clear-title") || "" },
          };
        }
        settings.loadThrottle = 250;
        settings.shouldLoad = function () {
          return true;
        };
        // The picker lists the server's last answer, in its order, and nothing
        // else. Tom Select keeps the chosen record among its options when they
        // are cleared: it stayed listed first and highlighted under a text it
        // does not match, and Enter kept it.
        var answer = {};
        var rank = function (value) {
          return answer.hasOwnProperty(value) ? answer[value] : -1;
        };
        settings.score = function () {
          return function () {
            return 1;
          };
        };
        settings.sortField = function (a, b) {
          return rank(a.id) - rank(b.id);
        };
        settings.onInitialize = function () {
          var search = this.search;
          this.search = function (query) {
            var results = search.call(this, query);
            results.items = results.items.filter(function (item) {
              return rank(item.id) !== -1;
            });
            return results;
          };
          // Typing a search is not changing the filter: keep the keys from the
          // list's form, which refreshes the table on keyup.
          this.control_input.addEventListener("keyup", function (event) {
            event.stopPropagation();
          });
        };
        // Tom Select highlights the chosen record when it is listed; under a
        // typed text the first match is highlighted instead, so Enter picks it.
        settings.onLoad = function () {
          var first = this.selectable()[0];
          if (this.inputValue() !== "" && first) {
            this.setActiveOption(first);
          }
        };
        settings.load = function (query, callback) {
          var picker = this;
          var separator = url.indexOf("?") === -1 ? "?" : "&";
          fetch(url + separator + "q=" + encodeURIComponent(query), {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then(function (response) {
              return response.ok ? response.json() : { results: [] };
            })
            .then(
              function (data) {
                // A late answer to an earlier text (the preload on focus, a slow
                // request) would replace the matches of what is typed now.
                if (query !== picker.inputValue()) {
                  callback();
                  return;
                }
                answer = {};
                data.results.forEach(function (result, index) {
                  answer[String(result.value)] = index;
                });
                picker.clearOptions();
                callback(data.results);
              },
              function () {
                callback();
              }
            );
        };
      }
      if (multiple) {
        settings.onItemAdd = function () {
          this.setTextboxValue("");
          this.refreshOptions(false);
        };
      }
      new window.TomSelect(select, settings);
    }
  );
}
document.addEventListener("DOMContentLoaded", function () {
  initSearchable(document);
});
document.addEventListener("htmx:afterSettle", function (event) {
  initSearchable(event.target);
});
