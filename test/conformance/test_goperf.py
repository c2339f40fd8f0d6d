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
- Not set yet: code_inspect_sample (test_inspect), completion_samples (test_completion),
  code_clear_output (test_clear_output: goperf never clears outputs).

Only `jupyter_kernel_test` is imported, not `KernelTests` itself: a base class in this module's
namespace would be collected by unittest and run against the python3 kernel.
"""

import unittest

import jupyter_kernel_test


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

    # Searched for by test_history, which runs only when code_execute_result is set.
    # A glob (IPython's history search syntax) matching exactly one of the inputs above.
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")


if __name__ == "__main__":
    unittest.main()
