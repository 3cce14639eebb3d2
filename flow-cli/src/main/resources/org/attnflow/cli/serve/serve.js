// attnflow serve: keeps a page up to date without reloading it, and moves the sample sliders.
// Every two seconds it asks the server for the fingerprint of the files the page shows; when it
// changes, it fetches the page's content and swaps it in, keeping the ticked boxes and the
// sliders where the reader left them (a slider at its last step follows new steps).
(function () {
  'use strict';
  const live = document.getElementById('live');
  const notice = document.getElementById('notice');
  const PERIOD_MS = 2000;

  function showStep(slider) {
    const files = JSON.parse(slider.dataset.files);
    const steps = JSON.parse(slider.dataset.steps);
    const i = Number(slider.value);
    const figure = slider.closest('figure');
    figure.querySelector('img').src = files[i];
    figure.querySelector('.step').textContent = 'step ' + steps[i];
  }

  document.addEventListener('input', function (event) {
    if (event.target.matches('input.step-slider')) {
      showStep(event.target);
    }
  });

  function remember() {
    const state = { ticked: new Set(), sliders: new Map() };
    live.querySelectorAll('input[type=checkbox]:checked').forEach(function (box) { state.ticked.add(box.value); });
    live.querySelectorAll('figure.grid').forEach(function (figure) {
      const slider = figure.querySelector('input.step-slider');
      const steps = JSON.parse(slider.dataset.steps);
      state.sliders.set(figure.dataset.key, {
        atEnd: Number(slider.value) === steps.length - 1,
        step: steps[Number(slider.value)]
      });
    });
    return state;
  }

  function restore(state) {
    live.querySelectorAll('input[type=checkbox]').forEach(function (box) { box.checked = state.ticked.has(box.value); });
    live.querySelectorAll('figure.grid').forEach(function (figure) {
      const before = state.sliders.get(figure.dataset.key);
      const slider = figure.querySelector('input.step-slider');
      if (before && !before.atEnd) {
        const i = JSON.parse(slider.dataset.steps).indexOf(before.step);
        if (i >= 0) {
          slider.value = String(i);
          showStep(slider);
        }
      }
    });
  }

  function say(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  async function refresh() {
    const url = new URL(window.location.href);
    url.searchParams.set('part', 'live');
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) {
      return false;
    }
    const html = await response.text();
    const state = remember();
    live.innerHTML = html;
    restore(state);
    return true;
  }

  async function poll() {
    try {
      const response = await fetch(live.dataset.stamp, { cache: 'no-store' });
      if (response.status === 404) {
        say('This no longer exists on the server (deleted or moved?): the page shows what it last saw.');
      } else if (response.ok) {
        const stamp = await response.text();
        if (stamp !== live.dataset.version && await refresh()) {
          live.dataset.version = stamp;
        }
        say('');
      }
    } catch (error) {
      say('The server does not answer (stopped?): the page shows what it last saw.');
    }
    window.setTimeout(poll, PERIOD_MS);
  }

  poll();
}());
