#!/usr/bin/env python3
"""Drives the explorer page in headless Chromium (Selenium) and checks what a learner sees.

    python3 Tests/Explorer/explorer_browser.py out/backprop-explorer.html out/explorer-screenshots

- Graph view: stepping backward through the neuron shows the gradients derived by hand
  (o = tanh(x1·w1 + x2·w2 + b), micrograd's numbers: ∂o/∂x1 = −1.5, ∂o/∂w1 = 1, ∂o/∂x2 = 0.5,
  ∂o/∂w2 = 0, ∂o/∂b = 0.5), computed here in Python, independently of the page.
- Playground: choosing a data set and an optimizer and scrubbing to the end shows the run's
  stored final loss (read from the page's embedded data).
- Race: the last frame shows each optimizer's stored final value.
- No console errors; the page is self-contained and at most 5 MB; a screenshot of each view.
Exits non-zero on the first failed check.
"""
import json
import math
import os
import re
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

page, shots = os.path.abspath(sys.argv[1]), sys.argv[2]
os.makedirs(shots, exist_ok=True)
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


html = open(page, encoding="utf-8").read()
check(len(html.encode()) <= 5_000_000, f"page size {len(html.encode()) / 1e6:.2f} MB <= 5 MB")
check(not re.search(r'(src|href)="(https?:)?//', html), "no external assets")
data = json.loads(re.search(r'<script id="explorer-data" type="application/json">(.*?)</script>', html, re.S)
                  .group(1).replace("<\\/", "</"))

options = Options()
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--disable-dev-shm-usage"]:
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
binary = os.environ.get("CHROMIUM") or next((p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p)), None)
if binary:
    options.binary_location = binary
driver_path = os.environ.get("CHROMEDRIVER") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
driver = webdriver.Chrome(options=options, service=Service(driver_path) if driver_path else None)
try:
    driver.get("file://" + page)

    # ---- view 1: the neuron, stepped backward node by node
    Select(driver.find_element(By.ID, "graph-select")).select_by_index(0)
    neuron = data["graphs"][0]
    body = driver.find_element(By.TAG_NAME, "body")
    driver.execute_script("document.activeElement.blur()")   # keys go to the page, not the menu
    steps = len(neuron["nodes"]) + len(neuron["backward"])
    for _ in range(steps):
        body.send_keys(Keys.ARROW_RIGHT)
    x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
    o = math.tanh(x1 * w1 + x2 * w2 + b)
    dn = 1 - o * o
    expected = {"x1": w1 * dn, "w1": x1 * dn, "x2": w2 * dn, "w2": x2 * dn, "b": dn, "n": dn, "o": 1.0}
    for name, gradient in expected.items():
        element = driver.find_element(By.CSS_SELECTOR, f"#node-{name} .grad")
        shown = json.loads(element.get_attribute("data-grad"))[0]
        check(abs(shown - gradient) < 1e-9, f"neuron: ∂o/∂{name} shown {shown}, by hand {gradient}")
        check(element.text.startswith("grad "), f"neuron: {name}'s gradient is displayed ({element.text!r})")
    check("finished" in driver.find_element(By.ID, "step-info").text.lower() or "완료" in driver.find_element(By.ID, "step-info").text,
          "neuron: the backward pass reports it is finished")
    body.send_keys(Keys.HOME)
    check(driver.find_elements(By.CSS_SELECTOR, "#node-x1 .grad[data-grad]") == [], "neuron: Home resets the gradients")
    driver.find_element(By.ID, "graph-backward-all").click()
    driver.save_screenshot(os.path.join(shots, "explorer-graph.png"))

    # The graph with a value used twice shows a sum.
    Select(driver.find_element(By.ID, "graph-select")).select_by_index(2)
    driver.find_element(By.ID, "graph-backward-all").click()
    a = driver.find_element(By.CSS_SELECTOR, "#node-a .grad")
    check(abs(json.loads(a.get_attribute("data-grad"))[0] - 3.0) < 1e-12, "reuse: ∂L/∂a = 3 (= 6 + (−3))")

    # ---- view 2: the playground
    driver.find_element(By.ID, "tab-playground").click()
    Select(driver.find_element(By.ID, "pg-dataset")).select_by_value("spiral")
    Select(driver.find_element(By.ID, "pg-optimizer")).select_by_value("RMSprop")
    scrub = driver.find_element(By.ID, "pg-scrub")
    driver.execute_script("arguments[0].value = arguments[0].max; arguments[0].dispatchEvent(new Event('input'));", scrub)
    chosen = [Select(driver.find_element(By.ID, "pg-" + c)).first_selected_option.get_attribute("value")
              for c in ["dataset", "hidden", "activation", "optimizer", "learningRate", "batching"]]
    run = next(r for r in data["runs"] if [r["config"]["dataset"], "-".join(map(str, r["config"]["hidden"])) or "0",
               r["config"]["activation"], r["config"]["optimizer"], str(r["config"]["learningRate"]), r["config"]["batching"]] == chosen)
    status = driver.find_element(By.ID, "pg-status")
    check(chosen[0] == "spiral" and chosen[3] == "RMSprop", f"playground: the chosen run is {chosen}")
    check(float(status.get_attribute("data-train-loss")) == run["trainLoss"][-1],
          f"playground: the last frame shows the stored final train loss {run['trainLoss'][-1]} ({status.text})")
    check(float(status.get_attribute("data-test-loss")) == run["testLoss"][-1], "playground: ... and the final test loss")
    units = driver.find_elements(By.CSS_SELECTOR, "#pg-units canvas")
    check(len(units) == run["config"]["hidden"][0], f"playground: {len(units)} hidden-unit maps")
    # A combination outside the grid falls back to the nearest trained one, with a note.
    Select(driver.find_element(By.ID, "pg-hidden")).select_by_value("8-8")
    check(driver.find_element(By.ID, "pg-note").text != "", "playground: an untrained combination says so")
    driver.save_screenshot(os.path.join(shots, "explorer-playground.png"))

    # ---- view 3: the race
    driver.find_element(By.ID, "tab-race").click()
    scrub = driver.find_element(By.ID, "race-scrub")
    driver.execute_script("arguments[0].value = arguments[0].max; arguments[0].dispatchEvent(new Event('input'));", scrub)
    track = data["race"]["tracks"][0]
    for path in track["paths"]:
        row = driver.find_element(By.ID, "race-" + path["optimizer"])
        check(float(row.get_attribute("data-value")) == path["values"][-1],
              f"race: {path['optimizer']} ends at the stored f = {path['values'][-1]:.3g}")
    driver.save_screenshot(os.path.join(shots, "explorer-race.png"))

    # ---- Korean
    driver.find_element(By.ID, "lang-ko").click()
    check(driver.find_element(By.ID, "tab-graph").text == "그래프 한 단계씩", "the Korean switch changes the page's words")
    driver.save_screenshot(os.path.join(shots, "explorer-race-ko.png"))

    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    check(not errors, f"no console errors ({errors[:3]})")
finally:
    driver.quit()

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all browser checks passed; screenshots in", shots)
