"""jupyter_kernel_test conformance suite for the goperf kernel.

Run through `node test/conformance/run.js`, which makes the venv (requirements.txt beside this
file), installs the `goperf` kernelspec into a temporary JUPYTER_DATA_DIR and runs this module
with unittest.

Attributes of jupyter_kernel_test.KernelTests (0.7.0) and what they drive:
- kernel_name, language_name, file_extension: setUpClass, test_kernel_info.
- code_hello_world / code_stderr: test_execute_stdout / test_execute_stderr.
- complete/incomplete/invalid_code_samples: test_is_complete.
- code_generate_error: test_error (reply status "error" and exactly one iopub output, an `error`).
- code_execute_result: test_execute_result, and test_history (skipped without it). A cell's last
  expression is its result when it is not a call, or a call of a session function with results.
- code_display_data: test_display_data (%escape answers a display_data bundle).
- code_page_something: test_pager (%help answers through the pager payload).
- completion_samples: test_completion (exact sets of matches). Magic names and options come from
  the magics' declarations; package members and keywords in context from gopls, when installed
  (setUpClass waits until gopls answers: it starts on the first completion).
- code_inspect_sample: test_inspect (gopls's hover: signature and doc comment).
- Not set: code_clear_output (test_clear_output: goperf never clears outputs).

Only `jupyter_kernel_test` is imported, not `KernelTests` itself: a base class in this module's
namespace would be collected by unittest and run against the python3 kernel.
"""

import os
import shutil
import subprocess
import time
import unittest

import jupyter_kernel_test


def _gopls_installed():
    """Where the kernel looks: PATH, then $(go env GOBIN) and $(go env GOPATH)/bin."""
    if os.environ.get("GOPERF_GOPLS") == "off":
        return False
    if shutil.which("gopls"):
        return True
    try:
        out = subprocess.run(["go", "env", "GOBIN", "GOPATH"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    gobin, gopath = (out.split("\n") + ["", ""])[:2]
    dirs = [gobin.strip()] + [os.path.join(p, "bin") for p in gopath.strip().split(os.pathsep) if p]
    return any(d and os.access(os.path.join(d, "gopls"), os.X_OK) for d in dirs)


GOPLS = _gopls_installed()


class GoperfKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "goperf"
    language_name = "go"
    file_extension = ".go"

    # The kernel adds the imports of standard packages that a cell uses without importing.
    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "oops")'

    complete_code_samples = [
        "x := 1",
        "func f() {}",
        "fmt.Println(1)",
    ]
    incomplete_code_samples = [
        "func f() {",
        "for {",
        "x := []int{1,",
    ]
    invalid_code_samples = [
        "}",
        ")",
        "func func",
    ]

    # A compile error: the kernel must answer with exactly one `error` output and no stream.
    code_generate_error = "undefinedThing()"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
    ]

    code_display_data = [
        {"code": "%escape\nfunc Shown(n int) int { return n }", "mime": "text/plain"},
        {"code": "%escape\nfunc ShownToo(n int) int { return n }", "mime": "application/vnd.goperf.escape.v1+json"},
    ]

    code_page_something = "%help"

    completion_samples = [
        {"text": "%es", "matches": {"%escape"}},
        {"text": "%bench -cou", "matches": {"-count"}},
        {"text": "%escape --only h", "matches": {"heap"}},
        {"text": "%help lsm", "matches": {"lsmagic"}},
    ] + ([
        {"text": "fmt.Sprin", "matches": {"Sprint", "Sprintf", "Sprintln"}},
        {"text": "for i := 0; i < 3; i++ {\n\tcontin", "matches": {"continue"}},
    ] if GOPLS else [])

    code_inspect_sample = "fmt.Println"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if GOPLS:
            cls._wait_for_gopls()

    @classmethod
    def _wait_for_gopls(cls, within=60.0):
        """Completion answers within 2 s whatever gopls is doing; right after the first request
        starts it, that answer is the kernel's own (no package members). Ask until gopls answers,
        as an editor open for a moment would have."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            msg_id = cls.kc.complete("fmt.Sprin")
            while True:
                reply = cls.kc.get_shell_msg(timeout=15)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("matches"):
                return
            time.sleep(0.25)

    # Searched for by test_history, which runs only when code_execute_result is set.
    # A glob (IPython's history search syntax) matching exactly one of the inputs above.
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")


if __name__ == "__main__":
    unittest.main()
