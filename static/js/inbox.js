/* The inbox page's own behaviour, where htmx alone can't do it:
   - the "inbox-live" htmx extension filters each frame from /ws/inbox/ before htmx swaps it
     (drops swaps whose target isn't on this page, decides whether a conversation row belongs in
     the filtered list), then rows are moved into order and the title follows the unread count;
   - catch-up: when the socket comes back, the list and the open conversation are re-fetched,
     because frames sent while it was down are gone (the database is the truth);
   - thread care: order and de-duplication of messages, day separators, local times, scrolling,
     loading older pages, jumping to a quoted message, marking live messages read;
   - the reaction picker: one per conversation, opened beside the message whose react button
     was pressed (loaded or live, as it is found by delegation);
   - desktop notifications, keyboard navigation, the phone layout's back button. */
(function () {
  "use strict";

  var NEAR_BOTTOM = 120;
  var live = { rows: [], notifications: [], stick: false, openedOnce: false, hiddenAt: 0 };

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function app() { return document.getElementById("app"); }
  function list() { return document.getElementById("conv-list"); }
  function openConversation() { return $("#pane .conversation"); }
  function openPk() { var c = openConversation(); return c ? c.dataset.conversation : ""; }
  function openThread() { var pk = openPk(); return pk ? document.getElementById("thread-" + pk) : null; }

  /* ---------- Filters and the conversation list ---------- */

  function filters() {
    var form = document.getElementById("list-filters");
    if (!form) return { show: "all", q: "", number: "" };
    var data = new FormData(form);
    return { show: data.get("show") || "all", q: (data.get("q") || "").trim(), number: data.get("number") || "" };
  }

  function rowKey(row) { return [Number(row.dataset.sort || 0), Number(row.id.slice(5))]; }
  function before(a, b) { return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]); }

  function belongs(row, f) {
    if (f.q) return false; // text search happens on the server: a new row can't be judged here
    if (f.show === "unread" && row.dataset.unread === "0") return false;
    if (f.number && row.dataset.number !== f.number) return false;
    var more = $(".list-more", list());
    if (more) {
      var rows = $$(".conv", list());
      var last = rows[rows.length - 1];
      if (last && !before(rowKey(row), rowKey(last))) return false; // it will come with a later page
    }
    return true;
  }

  function placeRow(row) {
    var container = list();
    if (!row || !container || row.parentNode !== container) return;
    var key = rowKey(row), sibling = null;
    $$(".conv", container).some(function (other) {
      if (other !== row && before(key, rowKey(other))) { sibling = other; return true; }
      return false;
    });
    if (!sibling) sibling = $(".list-more", container);
    if (row.nextElementSibling !== sibling) container.insertBefore(row, sibling);
  }

  function markActive() {
    var pk = openPk();
    $$(".conv", list()).forEach(function (row) {
      var active = row.id === "conv-" + pk;
      row.classList.toggle("is-active", active);
      if (active) row.setAttribute("aria-current", "page"); else row.removeAttribute("aria-current");
    });
    var empty = $(".list-empty", list());
    if (empty && $(".conv", list())) empty.remove();
  }

  function updateTitle() {
    var total = document.getElementById("unread-total");
    var count = total ? Number(total.dataset.messages || 0) : 0;
    var conversation = openConversation();
    var identity = conversation && $(".conversation__identity", conversation);
    var name = identity ? identity.dataset.title + " · " : "";
    document.title = (count ? "(" + count + ") " : "") + name + "Inbox";
  }

  /* ---------- The live frames ---------- */

  function frameRow(row) {
    var f = filters();
    var existing = document.getElementById(row.id);
    if (row.dataset.notify) live.notifications.push(row);
    if (existing) {
      var read = row.dataset.unread === "0";
      if (f.show === "unread" && read && !existing.classList.contains("is-active")) {
        row.setAttribute("hx-swap-oob", "delete");
      } else {
        live.rows.push(row.id);
      }
      return row;
    }
    if (!belongs(row, f)) return null;
    var wrapper = document.createElement("div");
    wrapper.setAttribute("hx-swap-oob", "afterbegin:#conv-list");
    row.removeAttribute("hx-swap-oob");
    wrapper.appendChild(row.cloneNode(true));
    live.rows.push(row.id);
    return wrapper;
  }

  function targetOf(element) {
    var oob = element.getAttribute("hx-swap-oob") || "true";
    var colon = oob.indexOf(":");
    return colon > 0 ? oob.slice(colon + 1) : "#" + CSS.escape(element.id);
  }

  htmx.defineExtension("inbox-live", {
    transformResponse: function (text, xhr) {
      if (xhr) return text; // only frames from the socket
      var template = document.createElement("template");
      template.innerHTML = text;
      var thread = openThread();
      live.stick = !!thread && thread.scrollHeight - thread.scrollTop - thread.clientHeight < NEAR_BOTTOM;
      Array.prototype.slice.call(template.content.children).forEach(function (element) {
        if (element.classList.contains("conv")) {
          var replacement = frameRow(element);
          if (!replacement) element.remove();
          else if (replacement !== element) element.replaceWith(replacement);
          return;
        }
        var target = targetOf(element);
        var existing = document.querySelector(target);
        var typingHere = target.indexOf("#contact-details-") === 0 && existing && existing.contains(document.activeElement);
        // No target on this page, or the agent is editing it (the customer's email): skip.
        if (!existing || typingHere) { element.remove(); return; }
        if (thread && target === "#" + thread.id && $(".msg--in", element)) scheduleRead();
      });
      return template.innerHTML;
    }
  });

  document.addEventListener("htmx:wsAfterMessage", function () {
    live.rows.splice(0).forEach(function (id) { placeRow(document.getElementById(id)); });
    markActive();
    updateTitle();
    tidyThread(openThread());
    localizeTimes(document);
    notify(live.notifications.splice(0));
    var thread = openThread();
    if (thread && live.stick) thread.scrollTop = thread.scrollHeight;
  });

  /* ---------- Connection state and catch-up ---------- */

  function setLiveState(state, text) {
    var badge = document.getElementById("live-state");
    if (!badge) return;
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function catchUp() {
    var form = document.getElementById("list-filters");
    if (form) htmx.trigger(form, "submit");
    var conversation = openConversation();
    if (!conversation) return;
    var pk = conversation.dataset.conversation;
    htmx.ajax("GET", conversation.dataset.threadUrl, { target: "#thread-" + pk, swap: "outerHTML" }).then(function () {
      var thread = openThread();
      if (thread) thread.scrollTop = thread.scrollHeight;
    });
    var details = document.getElementById("contact-" + pk);
    if (details && !details.contains(document.activeElement)) {
      htmx.ajax("GET", conversation.dataset.contactUrl, { target: "#contact-" + pk, swap: "outerHTML" });
    }
  }

  document.addEventListener("htmx:wsOpen", function () {
    setLiveState("live", "Live");
    if (live.openedOnce) catchUp();
    live.openedOnce = true;
  });
  document.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail.event && event.detail.event.code;
    // The server ended this socket's access (logged out, deactivated, password changed):
    // reloading shows the login page, or reconnects if this session is still good.
    if (code === 4001) { window.location.reload(); return; }
    setLiveState("down", "Reconnecting…");
    // The extension retries only after abnormal closes; a server going away cleanly must not
    // leave the page deaf either.
    if ([1006, 1011, 1012, 1013].indexOf(code) < 0 && event.detail.socketWrapper) {
      setTimeout(event.detail.socketWrapper.reconnect, 2000 + Math.random() * 3000);
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") { live.hiddenAt = Date.now(); return; }
    // A sleeping laptop can lose frames without the socket noticing: look again after a while.
    if (live.hiddenAt && Date.now() - live.hiddenAt > 60000) catchUp();
    var row = document.getElementById("conv-" + openPk());
    if (row && row.dataset.unread !== "0") scheduleRead();
  });
  window.addEventListener("online", catchUp);

  /* ---------- Reading ---------- */

  var readTimer = null;
  function scheduleRead() {
    if (document.visibilityState !== "visible") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var conversation = openConversation();
      if (conversation && document.visibilityState === "visible") {
        htmx.ajax("POST", conversation.dataset.readUrl, { swap: "none", source: conversation });
      }
    }, 800);
  }

  /* ---------- The thread ---------- */

  function dayKey(date) { return date.getFullYear() + "-" + date.getMonth() + "-" + date.getDate(); }

  function dayLabel(date) {
    var today = new Date();
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (dayKey(date) === dayKey(today)) return "Today";
    if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
    var options = { weekday: "long", day: "numeric", month: "long" };
    if (date.getFullYear() !== today.getFullYear()) options.year = "numeric";
    return date.toLocaleDateString(undefined, options);
  }

  function messageKey(m) { return [Number(m.dataset.sort || 0), Number(m.id.slice(4))]; }

  /* Keeps the thread in Meta's timestamp order without a duplicate, and its day separators
     right. Nodes move only when out of place: moving a playing <audio> would pause it. */
  function tidyThread(thread) {
    if (!thread) return;
    var seen = {};
    $$(".msg", thread).reverse().forEach(function (message) {
      if (seen[message.id]) message.remove(); // the later copy is the fresher one
      seen[message.id] = true;
    });
    var messages = $$(".msg", thread);
    for (var i = 1; i < messages.length; i++) {
      var current = messageKey(messages[i]);
      if (!before(messageKey(messages[i - 1]), current)) continue;
      for (var j = 0; j < i; j++) {
        if (before(messageKey(messages[j]), current)) { thread.insertBefore(messages[i], messages[j]); break; }
      }
      messages = $$(".msg", thread);
    }
    $$(".day", thread).forEach(function (day) { day.remove(); });
    var last = null;
    messages.forEach(function (message) {
      var date = new Date(Number(message.dataset.sort) / 1000);
      if (dayKey(date) === last) return;
      last = dayKey(date);
      var separator = document.createElement("p");
      separator.className = "day";
      separator.textContent = dayLabel(date);
      thread.insertBefore(separator, message);
    });
  }

  function localizeTimes(root) {
    var now = new Date();
    $$("time[data-format]", root).forEach(function (element) {
      var date = new Date(element.getAttribute("datetime"));
      if (isNaN(date)) return;
      var time = date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
      if (element.dataset.format === "time") { element.textContent = time; return; }
      var days = (new Date(now.getFullYear(), now.getMonth(), now.getDate()) - new Date(date.getFullYear(), date.getMonth(), date.getDate())) / 86400000;
      if (days < 1) element.textContent = time;
      else if (days < 2) element.textContent = "Yesterday";
      else if (days < 7) element.textContent = date.toLocaleDateString(undefined, { weekday: "short" });
      else element.textContent = date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: date.getFullYear() === now.getFullYear() ? undefined : "2-digit" });
      element.title = date.toLocaleString();
    });
  }

  function flash(element) {
    element.scrollIntoView({ block: "center", behavior: "smooth" });
    element.classList.remove("is-flashing");
    void element.offsetWidth;
    element.classList.add("is-flashing");
  }

  function jumpTo(pk, attempts) {
    var target = document.getElementById("msg-" + pk);
    if (target) { flash(target); return; }
    var older = $(".load-older", openThread());
    if (!older || attempts > 40) return;
    htmx.ajax("GET", older.getAttribute("hx-get"), { target: older, swap: "outerHTML" }).then(function () {
      tidyThread(openThread());
      jumpTo(pk, attempts + 1);
    });
  }

  document.addEventListener("scroll", function (event) {
    var thread = event.target;
    if (!thread.classList || !thread.classList.contains("thread") || thread.scrollTop > 150) return;
    var older = $(".load-older", thread);
    if (older && !older.classList.contains("htmx-request")) htmx.trigger(older, "click");
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("load-older")) {
      var thread = target.closest(".thread");
      thread._fromBottom = thread.scrollHeight - thread.scrollTop;
    }
  });

  // Pictures change the thread's height as they load: stay at the bottom if we were there.
  document.addEventListener("load", function (event) {
    var thread = event.target.closest && event.target.closest(".thread");
    if (thread && thread._stuck) thread.scrollTop = thread.scrollHeight;
  }, true);
  document.addEventListener("scroll", function (event) {
    var thread = event.target;
    if (thread.classList && thread.classList.contains("thread")) {
      thread._stuck = thread.scrollHeight - thread.scrollTop - thread.clientHeight < NEAR_BOTTOM;
    }
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target || event.target;
    localizeTimes(document);
    markActive();
    updateTitle();
    var thread = openThread();
    if (!thread) return;
    tidyThread(thread);
    if (target && (target.id === "pane" || target.id === thread.id)) {
      thread.scrollTop = thread.scrollHeight;
      thread._stuck = true;
    }
  });

  // An older page went in above what the agent is reading: keep their place.
  document.addEventListener("htmx:afterSwap", function (event) {
    var thread = event.target.closest && event.target.closest(".thread");
    if (thread && thread._fromBottom) {
      tidyThread(thread);
      thread.scrollTop = thread.scrollHeight - thread._fromBottom;
      thread._fromBottom = 0;
    }
  });

  /* ---------- Reactions ---------- */

  var reacting = null; // the react button whose message the picker is open for

  function pickerFor(button) {
    var thread = button.closest(".thread");
    return thread ? document.getElementById("reaction-picker-" + thread.dataset.conversation) : null;
  }

  function placePicker(picker, button) {
    var spot = button.getBoundingClientRect();
    var width = picker.offsetWidth, height = picker.offsetHeight;
    var left = Math.min(Math.max(4, spot.left + spot.width / 2 - width / 2), window.innerWidth - width - 4);
    var top = spot.top - height - 4;
    picker.style.left = left + "px";
    picker.style.top = (top < 4 ? spot.bottom + 4 : top) + "px";
  }

  function openPicker(button) {
    var picker = pickerFor(button);
    if (!picker) return;
    picker.elements.message.value = button.dataset.react;
    picker.hidden = false;
    placePicker(picker, button);
    button.setAttribute("aria-expanded", "true");
    button.closest(".msg").classList.add("is-reacting");
    reacting = button;
    picker.querySelector("button").focus();
  }

  function closePicker(refocus) {
    if (!reacting) return;
    var button = reacting, picker = pickerFor(button);
    reacting = null;
    if (picker) picker.hidden = true;
    button.setAttribute("aria-expanded", "false");
    var message = button.closest(".msg");
    if (message) message.classList.remove("is-reacting");
    if (refocus && document.body.contains(button)) button.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-react]");
    if (button) {
      var again = button === reacting;
      closePicker(false);
      if (!again) openPicker(button);
      return;
    }
    // Choosing an emoji submits the form; it closes on submit, once htmx has read the values.
    if (reacting && !event.target.closest(".reaction-picker")) closePicker(false);
  });
  document.addEventListener("submit", function (event) {
    if (reacting && event.target.classList.contains("reaction-picker")) closePicker(true);
  });
  document.addEventListener("focusout", function (event) {
    // Tabbing away closes it; a click elsewhere is handled above (some browsers don't focus buttons).
    var picker = reacting && pickerFor(reacting);
    var next = event.relatedTarget;
    if (picker && picker.contains(event.target) && next && !picker.contains(next) && next !== reacting) closePicker(false);
  });
  // It is placed once, so it closes when the thread scrolls under it or the window changes size.
  document.addEventListener("scroll", function (event) {
    if (reacting && event.target.classList && event.target.classList.contains("thread")) closePicker(false);
  }, true);
  window.addEventListener("resize", function () { closePicker(false); });

  /* A live frame redraws the message (new ticks, someone else's reaction) while the picker is
     open: it follows the new button, or closes if the message is gone. */
  function followRedrawnMessage() {
    if (!reacting || document.body.contains(reacting)) return;
    var thread = openThread();
    var button = thread && thread.querySelector('[data-react="' + reacting.dataset.react + '"]');
    if (!button) { closePicker(false); return; }
    reacting = button;
    button.setAttribute("aria-expanded", "true");
    button.closest(".msg").classList.add("is-reacting");
    placePicker(pickerFor(button), button);
  }
  document.addEventListener("htmx:wsAfterMessage", followRedrawnMessage);
  document.addEventListener("htmx:afterSettle", followRedrawnMessage);

  /* ---------- Opening, leaving, and the phone layout ---------- */

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "pane") return;
    var conversation = openConversation();
    app().classList.toggle("app--open", !!conversation);
    app().classList.remove("show-contact");
    app().dataset.open = conversation ? conversation.dataset.conversation : "";
  });

  function leaveConversation() {
    var template = document.getElementById("empty-pane-template");
    var pane = document.getElementById("pane");
    if (!template || !pane) return;
    pane.innerHTML = "";
    pane.appendChild(template.content.cloneNode(true));
    app().classList.remove("app--open", "show-contact");
    history.pushState({}, "", "/");
    markActive();
    updateTitle();
  }

  document.addEventListener("click", function (event) {
    var back = event.target.closest("[data-back]");
    if (back) { event.preventDefault(); leaveConversation(); return; }
    if (event.target.closest("[data-toggle-contact]")) { app().classList.toggle("show-contact"); return; }
    var quote = event.target.closest(".quote[data-jump]");
    if (quote) { event.preventDefault(); jumpTo(quote.dataset.jump, 0); return; }
    if (event.target.closest("#notify-toggle")) askForNotifications();
    var bubble = event.target.closest(".bubble");
    if (bubble && !event.target.closest("a, button, audio, video")) {
      $$(".msg.is-touched").forEach(function (m) { if (m !== bubble.parentNode) m.classList.remove("is-touched"); });
      bubble.parentNode.classList.toggle("is-touched");
    }
  });

  /* ---------- Keyboard ---------- */

  function typing(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  function step(offset) {
    var rows = $$(".conv", list());
    if (!rows.length) return;
    var index = rows.indexOf(document.getElementById("conv-" + openPk()));
    var next = rows[Math.max(0, Math.min(rows.length - 1, index < 0 ? 0 : index + offset))];
    if (next && next.id !== "conv-" + openPk()) {
      next.scrollIntoView({ block: "nearest" });
      next.focus({ preventScroll: true });
      htmx.trigger(next, "click");
    }
  }

  document.addEventListener("keydown", function (event) {
    var element = event.target;
    if (element.matches && element.matches(".note-form textarea") && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      element.form.requestSubmit();
      return;
    }
    if (element.id === "search" && event.key === "Escape") {
      element.value = "";
      htmx.trigger(element.form, "submit");
      element.blur();
      return;
    }
    if (event.key === "Escape" && reacting) { closePicker(true); return; }
    if (typing(element) || event.ctrlKey || event.metaKey || event.altKey) return;
    // Arrows move through the list only when it has focus; elsewhere they scroll as usual.
    var inList = !!(element.closest && element.closest("#conv-list"));
    if (event.key === "j" || (event.key === "ArrowDown" && inList)) { event.preventDefault(); step(1); }
    else if (event.key === "k" || (event.key === "ArrowUp" && inList)) { event.preventDefault(); step(-1); }
    else if (event.key === "/") { event.preventDefault(); document.getElementById("search").focus(); }
    else if (event.key === "Escape" && openConversation()) { leaveConversation(); }
  });

  /* ---------- Desktop notifications ---------- */

  function notificationsPossible() { return "Notification" in window && window.isSecureContext; }

  function showNotifyToggle() {
    var button = document.getElementById("notify-toggle");
    if (button) button.hidden = !(notificationsPossible() && Notification.permission === "default");
  }

  function askForNotifications() {
    if (!notificationsPossible()) return;
    Notification.requestPermission().then(showNotifyToggle);
  }

  function notify(rows) {
    if (!rows.length || !notificationsPossible() || Notification.permission !== "granted" || !document.hidden) return;
    rows.forEach(function (row) {
      var name = $(".conv__name", row), preview = $(".conv__preview", row);
      var notification = new Notification(name ? name.textContent.trim() : "New message", {
        body: preview ? preview.textContent.trim() : "",
        tag: row.id,
        icon: "/static/img/favicon.svg"
      });
      notification.onclick = function () {
        window.focus();
        var current = document.getElementById(row.id);
        if (current) htmx.trigger(current, "click");
        notification.close();
      };
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localizeTimes(document);
    markActive();
    updateTitle();
    showNotifyToggle();
    var thread = openThread();
    if (thread) { tidyThread(thread); thread.scrollTop = thread.scrollHeight; thread._stuck = true; }
  });
})();
