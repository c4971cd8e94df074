# ---------------------------------------------------------------------------
# The ablation scripts (scripts/ablation/*.sh) build egrl-bench from HEAD with
# a patch of switches applied; a patch that no longer applies breaks them only
# when someone runs them, days later. Checked here on every test run.
# ---------------------------------------------------------------------------
"""Every scripts/ablation/*.patch applies to HEAD."""

import glob
import os
import shutil
import subprocess
import tempfile
import unittest

from support import REPO as ROOT
PATCHES = sorted(glob.glob(os.path.join(ROOT, "scripts", "ablation", "*.patch")))


@unittest.skipIf(shutil.which("git") is None or not os.path.exists(os.path.join(ROOT, ".git")),
                 "needs git and a git checkout")
class AblationPatchesTest(unittest.TestCase):
    def test_there_are_patches(self):
        self.assertTrue(PATCHES, "scripts/ablation holds no patch")

    def test_each_patch_applies(self):
        # Against HEAD, as scripts/ablation/patched-bench.sh applies it (a
        # worktree of HEAD), not against local edits: an index of HEAD's tree
        # in a temporary file, and git apply --cached.
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tmp, "index"))
            subprocess.run(["git", "read-tree", "HEAD"], cwd=ROOT, env=env, check=True)
            for patch in PATCHES:
                with self.subTest(patch=os.path.basename(patch)):
                    run = subprocess.run(["git", "apply", "--cached", "--check", patch], cwd=ROOT,
                                         env=env, capture_output=True, text=True)
                    self.assertEqual(run.returncode, 0,
                                     f"{os.path.basename(patch)} no longer applies to HEAD; regenerate "
                                     f"it (apply by hand, then git diff > it):\n{run.stderr}")


if __name__ == "__main__":
    unittest.main()
