/* The phone form for an outreach contact. It posts JSON with the entry's own identifier
   (client_uuid); when the phone is offline, or the request cannot reach the server, the entry
   is kept on the phone (localStorage, under the worker's account id) and sent when the connection returns (the `online`
   event, the next page load, or every 20 seconds). The server records an identifier once, so
   an entry sent twice lands once. */
(function () {
  "use strict";

  var form = document.getElementById("outreach-contact-form");
  if (!form) { return; }
  // Each worker's entries are kept apart: on a shared phone, the next person to sign in must
  // not send (and so sign) an entry someone else made.
  var STORE = "sunflower.outreach.pending.v2." + form.dataset.queueOwner;
  var O = window.SunflowerOutreach;
  var offlineBox = document.querySelector("[data-testid=offline-status]");
  var sentBox = document.querySelector("[data-testid=contact-sent]");
  var errorsBox = document.querySelector("[data-testid=form-errors]");
  var statusText = form.querySelector("[data-location-status]");
  var flushing = false;
  var marker = null;
  var mapHandle = null;

  function pending() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function savePending(list) {
    if (list.length) { window.localStorage.setItem(STORE, JSON.stringify(list)); }
    else { window.localStorage.removeItem(STORE); }
    showPending();
  }
  function showPending(extra) {
    var count = pending().length;
    var text = count ? count + " " + form.dataset.pendingText : "";
    if (extra) { text = (text ? text + " " : "") + extra; }
    offlineBox.querySelector("[data-offline-text]").textContent = text;
    offlineBox.hidden = !text;
  }
  function showSent(county) {
    sentBox.querySelector("[data-sent-text]").textContent = form.dataset.sentText.replace("%(county)s", county);
    sentBox.hidden = false;
  }

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function entryFromForm() {
    var data = {};
    var services = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) { return; }
      if (el.type === "checkbox") {
        if (el.name === "services_given") { if (el.checked) { services.push(el.value); } }
        else if (el.checked) { data[el.name] = "on"; }
        return;
      }
      data[el.name] = el.value;
    });
    data.services_given = services;
    return data;
  }

  function clearErrors() {
    errorsBox.hidden = true;
    form.querySelectorAll(".usa-error-message").forEach(function (el) { el.hidden = true; el.textContent = ""; });
    form.querySelectorAll(".usa-form-group--error").forEach(function (el) { el.classList.remove("usa-form-group--error"); });
  }

  function showErrors(errors) {
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var text = errors[name].join(" ");
      var target = form.querySelector("[data-testid=error-" + name + "]");
      if (target) {
        target.textContent = text;
        target.hidden = false;
        var group = target.closest(".usa-form-group");
        if (group) { group.classList.add("usa-form-group--error"); }
      } else {
        general.push(text);
      }
    });
    if (general.length) {
      errorsBox.querySelector("[data-form-errors]").textContent = general.join(" ");
      errorsBox.hidden = false;
    }
  }

  function send(entry) {
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(entry)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function resetForm() {
    var keep = {
      project: form.elements.project.value,
      contacted_at: form.elements.contacted_at.value
    };
    form.reset();
    var filter = form.querySelector("[data-client-filter]");
    if (filter) { filter.dispatchEvent(new Event("input")); } // the whole list again
    form.elements.project.value = keep.project;
    form.elements.client_uuid.value = O.uuid4();
    ["latitude", "longitude", "accuracy_m", "location_source"].forEach(function (n) { form.elements[n].value = ""; });
    if (marker && mapHandle) { mapHandle.map.removeLayer(marker); marker = null; }
    statusText.textContent = "";
    var now = new Date();
    now.setSeconds(0, 0);
    var local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    form.elements.contacted_at.value = local || keep.contacted_at;
  }

  function keepOnPhone(entry) {
    var list = pending().filter(function (item) { return item.client_uuid !== entry.client_uuid; });
    list.push(entry);
    savePending(list);
  }

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    var list = pending();
    if (!list.length) { return Promise.resolve(); }
    flushing = true;
    var rejected = [];
    var chain = Promise.resolve(false);
    list.forEach(function (entry) {
      chain = chain.then(function (stop) {
        if (stop) { return true; }
        return send(entry).then(function (result) {
          if (result.status === 200 || result.status === 201) {
            savePending(pending().filter(function (item) { return item.client_uuid !== entry.client_uuid; }));
            showSent(result.body.county || "");
            return false;
          }
          if (result.status === 403) { showPending(form.dataset.signinText); return true; }
          if (result.status >= 400 && result.status < 500) {
            rejected.push(Object.values(result.body.errors || {}).join(" "));
            savePending(pending().filter(function (item) { return item.client_uuid !== entry.client_uuid; }));
            return false;
          }
          return true; // the server is unwell: try again later
        }, function () { return true; });
      });
    });
    return chain.then(function () {
      flushing = false;
      if (rejected.length) { showPending(form.dataset.rejectedText + " " + rejected.join(" ")); }
    });
  }

  function setPlace(lat, lng, source, accuracy) {
    form.elements.latitude.value = lat.toFixed(6);
    form.elements.longitude.value = lng.toFixed(6);
    form.elements.location_source.value = source;
    form.elements.accuracy_m.value = accuracy == null ? "" : String(Math.round(accuracy));
    statusText.textContent = form.dataset.locatedText + ": " + lat.toFixed(5) + ", " + lng.toFixed(5) +
      (accuracy == null ? "" : " (±" + Math.round(accuracy) + " m)");
    var locationError = form.querySelector("[data-testid=error-location]");
    locationError.hidden = true;
    if (mapHandle) {
      if (marker) { marker.setLatLng([lat, lng]); }
      else { marker = L.circleMarker([lat, lng], { radius: 9, color: "#005ea2", fillOpacity: 0.8, className: "sf-contact-here" }).addTo(mapHandle.map); }
      if (source === "gps") { mapHandle.map.setView([lat, lng], Math.max(mapHandle.map.getZoom(), 11)); }
    }
  }

  form.querySelector("[data-use-location]").addEventListener("click", function () {
    if (!navigator.geolocation) { statusText.textContent = form.dataset.noLocationText; return; }
    statusText.textContent = form.dataset.locatingText;
    navigator.geolocation.getCurrentPosition(function (position) {
      setPlace(position.coords.latitude, position.coords.longitude, "gps", position.coords.accuracy);
    }, function () {
      statusText.textContent = form.dataset.noLocationText;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    sentBox.hidden = true;
    var entry = entryFromForm();
    if (!entry.latitude || !entry.longitude) {
      var locationError = form.querySelector("[data-testid=error-location]");
      locationError.textContent = form.dataset.choosePlaceText;
      locationError.hidden = false;
      return;
    }
    if (!navigator.onLine) { keepOnPhone(entry); resetForm(); return; }
    send(entry).then(function (result) {
      if (result.status === 200 || result.status === 201) {
        showSent(result.body.county || "");
        resetForm();
        flush();
      } else if (result.status >= 500) {
        keepOnPhone(entry);
        resetForm();
      } else {
        showErrors(result.body.errors || { __all__: ["" + result.status] });
      }
    }, function () {
      keepOnPhone(entry); // no connection: keep it, send it later
      resetForm();
    });
  });

  // Find a known client by typing part of a name: the list is narrowed on the phone (the
  // names are already in the page; nothing is sent while typing).
  var finder = form.querySelector("[data-client-filter]");
  var choice = form.elements.enrollment;
  if (finder && choice) {
    var everyone = Array.prototype.slice.call(choice.options);
    finder.addEventListener("input", function () {
      var words = finder.value.toLowerCase().split(/\s+/).filter(Boolean);
      var selected = choice.value;
      choice.innerHTML = "";
      everyone.forEach(function (option) {
        var text = option.textContent.toLowerCase();
        if (!option.value || words.every(function (w) { return text.indexOf(w) !== -1; })) {
          choice.appendChild(option);
        }
      });
      choice.value = selected;
      var matches = choice.options.length - 1;
      if (words.length && matches === 1) { choice.selectedIndex = 1; }
      finder.setAttribute("aria-description", matches + " " + finder.dataset.matchesText);
    });
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { showPending(); });
  window.setInterval(flush, 20000);

  O.baseMap(document.getElementById("contact-map")).then(function (handle) {
    mapHandle = handle;
    handle.map.on("click", function (event) { setPlace(event.latlng.lat, event.latlng.lng, "tap", null); });
    var lat = parseFloat(form.elements.latitude.value);
    var lng = parseFloat(form.elements.longitude.value);
    if (!isNaN(lat) && !isNaN(lng)) { setPlace(lat, lng, form.elements.location_source.value || "tap", null); }
  });
  showPending();
  flush();
})();
