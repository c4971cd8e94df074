# ---------------------------------------------------------------------------
# The ablation scripts (scripts/ablation/*.sh) build egrl-bench from HEAD with
# a patch of switches applied; a patch that no longer applies breaks them only
# when someone runs them, days later. Checked here on every test run.
# ---------------------------------------------------------------------------
"""Every scripts/ablation/*.patch applies to the tree as it is."""

import glob
import os
import shutil
import subprocess
import unittest

from support import REPO as ROOT
PATCHES = sorted(glob.glob(os.path.join(ROOT, "scripts", "ablation", "*.patch")))


@unittest.skipIf(shutil.which("git") is None or not os.path.exists(os.path.join(ROOT, ".git")),
                 "needs git and a git checkout")
class AblationPatchesTest(unittest.TestCase):
    def test_there_are_patches(self):
        self.assertTrue(PATCHES, "scripts/ablation holds no patch")

    def test_each_patch_applies(self):
        for patch in PATCHES:
            with self.subTest(patch=os.path.basename(patch)):
                run = subprocess.run(["git", "apply", "--check", patch], cwd=ROOT,
                                     capture_output=True, text=True)
                self.assertEqual(run.returncode, 0,
                                 f"{os.path.basename(patch)} no longer applies; regenerate it "
                                 f"(apply by hand, then git diff > it):\n{run.stderr}")


if __name__ == "__main__":
    unittest.main()
