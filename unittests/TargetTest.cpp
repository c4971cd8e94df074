//===- TargetTest.cpp - Target JSON parsing and validation ----------------===//

#include "TestUtil.h"
#include "egrl/Support/ReadFile.h"

using namespace egrl;

namespace {

std::string errorOf(llvm::StringRef json) {
  auto target = Target::parse(json, "t.json");
  if (target)
    return "";
  return llvm::toString(target.takeError());
}

const char *kValid = R"({"name": "x",
  "compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e11},
  "levels": [{"name": "dram", "capacity_bytes": 1e9, "bandwidth_bytes_per_s": 1e10},
             {"name": "sram", "capacity_bytes": 1e6, "reserved_bytes": 1000,
              "bandwidth_bytes_per_s": 1e12}]})";

TEST(Target, ParsesAndSortsLevelsFastestFirst) {
  auto target = Target::parse(kValid, "t.json");
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  ASSERT_EQ(target->numLevels(), 2u);
  EXPECT_EQ(target->levels[0].name, "sram");
  EXPECT_EQ(target->levels[0].usableBytes(), 1000000 - 1000);
  EXPECT_EQ(target->levels[1].name, "dram");
  EXPECT_EQ(target->findLevel("dram"), 1u);
  EXPECT_FALSE(target->findLevel("llc").has_value());
  EXPECT_FALSE(target->elementBytes.has_value());
  EXPECT_EQ(target->layerOverhead, 0);
}

TEST(Target, AddressSpacesCountFromTheBackingStore) {
  // Defaults: the slowest level 0, then up towards the fastest, whatever
  // the order of the file.
  auto target = Target::parse(kValid, "t.json");
  ASSERT_TRUE(bool(target)) << llvm::toString(target.takeError());
  EXPECT_EQ(target->levels[0].addressSpace, 1u); // sram
  EXPECT_EQ(target->levels[1].addressSpace, 0u); // dram
  Target nnpi = test::nnpiTarget();
  EXPECT_EQ(nnpi.levels[0].addressSpace, 2u);
  EXPECT_EQ(nnpi.levels[2].addressSpace, 0u);
  std::string explicitSpaces = kValid;
  explicitSpaces.replace(explicitSpaces.find("\"name\": \"sram\","), 15,
                         "\"name\": \"sram\", \"address_space\": 3,");
  auto placed = Target::parse(explicitSpaces, "t.json");
  ASSERT_TRUE(bool(placed)) << llvm::toString(placed.takeError());
  EXPECT_EQ(placed->levels[0].addressSpace, 3u);
  EXPECT_EQ(placed->levels[1].addressSpace, 0u);
  std::string bad = kValid;
  bad.replace(bad.find("\"name\": \"sram\","), 15,
              "\"name\": \"sram\", \"address_space\": -1,");
  EXPECT_NE(errorOf(bad).find("levels[1].address_space: must be an integer"),
            std::string::npos)
      << errorOf(bad);
  // sram given the backing store's default space: lowering would make the
  // two levels one memory.
  std::string shared = kValid;
  shared.replace(shared.find("\"name\": \"sram\","), 15,
                 "\"name\": \"sram\", \"address_space\": 0,");
  EXPECT_NE(errorOf(shared).find("levels: 'sram' and 'dram' are both in "
                                 "address space 0"),
            std::string::npos)
      << errorOf(shared);
}

TEST(Target, BundledTargetsLoad) {
  Target nnpi = test::nnpiTarget();
  EXPECT_EQ(nnpi.name, "nnpi-1000");
  EXPECT_EQ(nnpi.levelNames(), "sram, llc, dram");
  EXPECT_EQ(nnpi.elementBytes, 1);
  auto edge = Target::load(EGRL_TARGETS_DIR "/edge-small.json");
  ASSERT_TRUE(bool(edge)) << llvm::toString(edge.takeError());
  EXPECT_EQ(edge->levelNames(), "scratch, l2, lpddr");
}

TEST(Target, RejectsBadInput) {
  EXPECT_NE(errorOf("{"), "");
  EXPECT_NE(errorOf("{").find("malformed JSON"), std::string::npos);
  EXPECT_NE(errorOf("[]").find("must be a JSON object"), std::string::npos);
  std::string zeroCapacity = kValid;
  zeroCapacity.replace(zeroCapacity.find("1e6"), 3, "0");
  EXPECT_NE(errorOf(zeroCapacity).find(
                "levels[1].capacity_bytes: must be an integer between 1 and "
                "2^62 (got 0)"),
            std::string::npos)
      << errorOf(zeroCapacity);
  std::string negativeBandwidth = kValid;
  negativeBandwidth.replace(negativeBandwidth.find("1e10"), 4, "-5");
  EXPECT_NE(errorOf(negativeBandwidth).find("bandwidth_bytes_per_s"),
            std::string::npos);
  std::string duplicate = kValid;
  duplicate.replace(duplicate.find("\"sram\""), 6, "\"dram\"");
  EXPECT_NE(errorOf(duplicate).find("duplicate level"), std::string::npos);
  std::string noCompute = R"({"name": "x", "levels": []})";
  EXPECT_NE(errorOf(noCompute).find("compute"), std::string::npos);
  // Levels present but of the wrong type are not "missing".
  const char *compute =
      R"("compute": {"mac_per_s": 1e12, "vector_ops_per_s": 1e11})";
  EXPECT_NE(errorOf(std::string(R"({"name": "x", )") + compute +
                    R"(, "levels": {"dram": {}}})")
                .find("levels: must be a non-empty array of levels (got "
                      "object)"),
            std::string::npos);
  EXPECT_NE(errorOf(std::string(R"({"name": "x", )") + compute + "}")
                .find("levels: missing (a non-empty array)"),
            std::string::npos);
  // So is a compute of the wrong type.
  std::string computeArray = kValid;
  const std::string rates = R"({"mac_per_s": 1e12, "vector_ops_per_s": 1e11})";
  computeArray.replace(computeArray.find(rates), rates.size(), "[1e12, 1e11]");
  EXPECT_NE(errorOf(computeArray)
                .find("compute: must be an object of rates (got array)"),
            std::string::npos)
      << errorOf(computeArray);
}

TEST(Target, NamesPrintOnOneLineAndApart) {
  // Names a remark would print broken, reordered, blank, or as two levels
  // no one tells apart ("llc" and "llc "). Each was accepted.
  auto renamed = [](const char *name) {
    std::string chip = kValid;
    chip.replace(chip.find("\"sram\""), 6, name);
    return errorOf(chip);
  };
  for (const char *name :
       {"\"s\u0085m\"", "\"s\u2028m\"", "\"s\u202em\"", "\"\u00a0\"",
        "\"\u200b\"", "\"sram \"", "\" sram\"", "\"\\t\""})
    EXPECT_NE(renamed(name).find("levels[1].name: must be a string that is "
                                 "not empty or blank"),
              std::string::npos)
        << name << ": " << renamed(name);
  EXPECT_NE(renamed("\"s\u2028m\"").find("U+2028 (a line break)"),
            std::string::npos);
  EXPECT_NE(renamed("\"s\u061cm\"").find("the bidirectional control U+061C"),
            std::string::npos);
  EXPECT_NE(renamed("\"\u00a0\"").find("which is blank"), std::string::npos);
  EXPECT_NE(renamed("\"sram \"").find("a space at its start or end"),
            std::string::npos);
  // Letters of any script, and inner spaces, are names.
  for (const char *name : {"\"sräm\"", "\"片上 SRAM\"", "\"l 2\""})
    EXPECT_EQ(renamed(name), "") << name;
}

TEST(Target, MessagesShowControlCharactersEscaped) {
  // DEL and U+0085 were quoted raw, so a terminal showed "sram" with
  // nothing to see, and TAB, NUL and DEL were called line breaks (outside
  // tester s44).
  auto renamed = [](const char *name) {
    std::string chip = kValid;
    chip.replace(chip.find("\"sram\""), 6, name);
    return errorOf(chip);
  };
  struct Case {
    const char *json, *shown, *why;
  };
  for (const Case &c : {
           Case{R"("s\u0000m")", R"("s\u0000m")",
                "U+0000 (a control character)"},
           Case{R"("s\tm")", R"("s\tm")", "U+0009 (a control character)"},
           Case{R"("s\nm")", R"("s\nm")", "U+000A (a line break)"},
           Case{R"("s\rm")", R"("s\rm")", "U+000D (a line break)"},
           Case{R"("s\u007fm")", R"("s\u007fm")",
                "U+007F (a control character)"},
           Case{"\"s\x7fm\"", R"("s\u007fm")", "U+007F (a control character)"},
           Case{R"("s\u0085m")", R"("s\u0085m")", "U+0085 (a line break)"},
           Case{"\"s\u0085m\"", R"("s\u0085m")", "U+0085 (a line break)"},
           Case{R"("s\u009fm")", R"("s\u009fm")",
                "U+009F (a control character)"},
           Case{"\"s\u2029m\"", R"("s\u2029m")", "U+2029 (a line break)"},
           Case{"\"s\u202em\"", R"("s\u202em")",
                "the bidirectional control U+202E"},
       }) {
    std::string message = renamed(c.json);
    EXPECT_NE(message.find("(got " + std::string(c.shown) + ", which holds " +
                           c.why + ")"),
              std::string::npos)
        << c.json << ": " << message;
    // Nothing of the name reaches the message unescaped: here, where the
    // rest of the name is ASCII, the message is printable ASCII throughout.
    for (unsigned char byte : message)
      EXPECT_TRUE(byte >= 0x20 && byte < 0x7f) << c.json << ": " << message;
  }
}

TEST(Target, ABandwidthThatIsNoNumberSaysTheRangeAndWhatWasGiven) {
  // "must be a number", where a capacity said its range and what it got.
  std::string chip = kValid;
  chip.replace(chip.find("1e12}"), 4, "\"5e12\"");
  EXPECT_NE(errorOf(chip).find("levels[1].bandwidth_bytes_per_s: must be a "
                               "number between 1 and 1e18 per second (got "
                               "\"5e12\")"),
            std::string::npos)
      << errorOf(chip);
  std::string compute = kValid;
  compute.replace(compute.find("1e11}"), 4, "true");
  EXPECT_NE(errorOf(compute).find("compute.vector_ops_per_s: must be a number "
                                  "between 1 and 1e18 per second (got true)"),
            std::string::npos)
      << errorOf(compute);
  std::string overhead = kValid;
  overhead.replace(overhead.find("1e11}"), 4,
                   "1e11, \"layer_overhead_s\": \"1us\"");
  EXPECT_NE(errorOf(overhead).find("compute.layer_overhead_s: must be a number "
                                   "between 0 and 1 s (got \"1us\")"),
            std::string::npos)
      << errorOf(overhead);
}

TEST(Target, DigestTellsChipsApartButNotDescriptions) {
  auto chip = Target::parse(kValid, "t.json");
  ASSERT_TRUE(bool(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->digest().size(), 16u);
  Target described = *chip;
  described.description = "another description";
  EXPECT_EQ(described.digest(), chip->digest());
  std::string faster = kValid;
  faster.replace(faster.find("1e10"), 4, "2e10");
  auto edited = Target::parse(faster, "t.json");
  ASSERT_TRUE(bool(edited));
  EXPECT_EQ(edited->name, chip->name);
  EXPECT_NE(edited->digest(), chip->digest());
}

TEST(Target, MisspeltFieldsAreErrors) {
  // Each would otherwise be a silent default: f32 sizes, no layer
  // overhead, no reserve.
  std::string topLevel = kValid;
  topLevel.replace(topLevel.find("\"compute\""), 9,
                   "\"element_byte\": 1, \"compute\"");
  EXPECT_NE(errorOf(topLevel).find(
                "t.json: element_byte: unknown field (known: name, "
                "description, element_bytes, compute, levels, sim)"),
            std::string::npos)
      << errorOf(topLevel);
  std::string compute = kValid;
  compute.replace(compute.find("\"vector_ops_per_s\""), 18,
                  "\"layer_overhead\": 1e-6, \"vector_ops_per_s\"");
  EXPECT_NE(errorOf(compute).find("compute.layer_overhead: unknown field"),
            std::string::npos)
      << errorOf(compute);
  std::string level = kValid;
  level.replace(level.find("\"reserved_bytes\""), 16, "\"reserve_bytes\"");
  EXPECT_NE(errorOf(level).find("levels[1].reserve_bytes: unknown field"),
            std::string::npos)
      << errorOf(level);
}

TEST(Target, RejectsSizesAndRatesOutOfRange) {
  auto replaced = [](const char *from, const char *to) {
    std::string text = kValid;
    text.replace(text.find(from), std::string(from).size(), to);
    return errorOf(text);
  };
  EXPECT_NE(replaced("1e6", "1e30").find("capacity_bytes: must be an integer "
                                         "between 1 and 2^62"),
            std::string::npos);
  EXPECT_NE(replaced("1e6", "0.5").find("capacity_bytes: must be an integer"),
            std::string::npos);
  // A fractional byte count is not silently truncated.
  EXPECT_NE(replaced("1e6", "3.7").find("capacity_bytes: must be an integer"),
            std::string::npos);
  EXPECT_NE(
      replaced("1e12, \"vector", "1e-320, \"vector")
          .find("mac_per_s: must be a number between 1 and 1e18 per second"),
      std::string::npos);
  // Outside double range: an error, not an uncaught exception.
  EXPECT_NE(replaced("1e12, \"vector", "1e400, \"vector").find("t.json: "),
            std::string::npos);
  EXPECT_NE(replaced("1e11}", "1e11, \"layer_overhead_s\": 1e308}")
                .find("layer_overhead_s: must be a number between 0 and 1 s"),
            std::string::npos);
  EXPECT_NE(replaced("\"name\": \"x\",",
                     "\"name\": \"x\", \"element_bytes\": 4611686018427387904,")
                .find("element_bytes: must be an integer between 1 and 64"),
            std::string::npos);
  // Rates a double cannot keep apart in the simulator's clock; the message
  // names the slowest (a bandwidth in GB/s) and the fastest.
  std::string span = replaced("1e10}", "6.72}");
  EXPECT_NE(span.find("rates and bandwidths span more than 1e8 (from 6.72 "
                      "(level 'dram' bandwidth_bytes_per_s) to "),
            std::string::npos)
      << span;
  EXPECT_NE(span.find("bandwidths are in bytes per second"), std::string::npos)
      << span;
  // Which level is fastest must not depend on the order of the file.
  EXPECT_NE(
      replaced("1e12}", "1e10}")
          .find("levels[1].bandwidth_bytes_per_s: 1e+10 is level 'dram''s too"),
      std::string::npos);
  std::string many = R"({"name": "x", "compute": {"mac_per_s": 1, "vector_ops_per_s": 1}, "levels": [)";
  for (int i = 0; i < 17; ++i)
    many += std::string(i ? "," : "") + R"({"name": "l)" + std::to_string(i) +
            R"(", "capacity_bytes": 10, "bandwidth_bytes_per_s": 1})";
  many += "]}";
  EXPECT_NE(errorOf(many).find("at most 16 are supported"), std::string::npos);
}

TEST(Target, RejectsDeepNestingWithoutRecursion) {
  // 100,000 nested arrays overflowed the stack in a recursive dump().
  std::string deep = kValid;
  deep.pop_back(); // the closing brace
  deep += ", \"sim\": {\"levels\": " + std::string(100000, '[') +
          std::string(100000, ']') + "}}";
  EXPECT_NE(errorOf(deep).find("t.json: nested more than 64 levels deep"),
            std::string::npos)
      << errorOf(deep).substr(0, 200);
}

TEST(Target, SimTargetNeedsTheSameLevelsAndElementSize) {
  Target nnpi = test::nnpiTarget();
  for (const char *name :
       {"nnpi-1000-fastcompute", "nnpi-1000-slowllc", "nnpi-1000-dram40"}) {
    auto chip = loadTarget(name);
    ASSERT_TRUE(bool(chip)) << llvm::toString(chip.takeError());
    EXPECT_FALSE(bool(checkSimTarget(nnpi, *chip))) << name;
  }
  auto edge = loadTarget("edge-small");
  ASSERT_TRUE(bool(edge));
  llvm::Error levels = checkSimTarget(nnpi, *edge);
  ASSERT_TRUE(bool(levels));
  EXPECT_EQ(llvm::toString(std::move(levels)),
            "sim-target 'edge-small' has levels scratch, l2, lpddr, target "
            "'nnpi-1000' has sram, llc, dram: a chip and its model must have "
            "the same levels (names and count)");
  // The same names in another order of bandwidth: the error says so, not
  // that names or count differ.
  Target swapped = nnpi;
  swapped.name = "swapped";
  swapped.origin = "chips/swapped.json";
  std::swap(swapped.levels[0], swapped.levels[1]);
  llvm::Error order = checkSimTarget(nnpi, swapped);
  ASSERT_TRUE(bool(order));
  EXPECT_EQ(llvm::toString(std::move(order)),
            "sim-target 'swapped' orders its levels llc, sram, dram by "
            "bandwidth (fastest first), target 'nnpi-1000' orders them sram, "
            "llc, dram: a chip and its model must order their levels alike");
  // A chip named otherwise than its file is found by the file.
  swapped.origin = "chips/renamed.json";
  llvm::Error renamed = checkSimTarget(nnpi, swapped);
  ASSERT_TRUE(bool(renamed));
  EXPECT_NE(llvm::toString(std::move(renamed))
                .find("sim-target 'swapped' (chips/renamed.json) orders"),
            std::string::npos);
  Target fp16 = nnpi;
  fp16.name = "fp16";
  fp16.elementBytes = 2;
  llvm::Error bytes = checkSimTarget(nnpi, fp16);
  ASSERT_TRUE(bool(bytes));
  EXPECT_NE(llvm::toString(std::move(bytes)).find("element_bytes 2"),
            std::string::npos);
}

TEST(Target, MissingFileIsAnError) {
  auto target = loadTarget("/nonexistent/target.json");
  ASSERT_FALSE(bool(target));
  EXPECT_NE(llvm::toString(target.takeError()).find("cannot read"),
            std::string::npos);
  auto unknown = loadTarget("no-such-target");
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("unknown target"),
            std::string::npos);
}

// Inputs are read to their end or to a bound: a device that never ends
// (/dev/zero) is an error, not a process that grows until it is killed, and
// a procfs file, which reports size 0, is read whole.
TEST(Target, InputsAreReadToABound) {
  auto endless = readFileAtMost("/dev/zero", 3 << 20, "target file");
  ASSERT_FALSE(bool(endless));
  EXPECT_NE(llvm::toString(endless.takeError())
                .find("cannot read target file '/dev/zero': larger than "
                      "3145728 bytes, more than any target file holds"),
            std::string::npos);
  auto status = readFileAtMost("/proc/self/status", 1 << 20, "status");
  ASSERT_TRUE(bool(status)) << llvm::toString(status.takeError());
  EXPECT_NE(status->find("Name:"), std::string::npos);
  auto missing = readFileAtMost("/nonexistent/x.json", 1 << 20, "graph file");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError())
                .find("cannot read graph file '/nonexistent/x.json': "),
            std::string::npos);
}

} // namespace

// How a target travels to MPI workers (docs/scale-out.md): toJSON() parses
// back into an equal target, rates at full precision and the sim section
// included.
TEST(Target, ToJSONRoundTrips) {
  for (const std::string &name : bundledTargetNames()) {
    auto chip = loadTarget(name);
    ASSERT_TRUE(bool(chip)) << name;
    auto back = Target::parse(chip->toJSON(), name);
    ASSERT_TRUE(bool(back)) << name << ": " << llvm::toString(back.takeError());
    EXPECT_EQ(back->name, chip->name);
    EXPECT_EQ(back->macRate, chip->macRate);
    EXPECT_EQ(back->vectorRate, chip->vectorRate);
    EXPECT_EQ(back->layerOverhead, chip->layerOverhead);
    EXPECT_EQ(back->elementBytes, chip->elementBytes);
    ASSERT_EQ(back->levels.size(), chip->levels.size());
    for (size_t i = 0; i < chip->levels.size(); ++i) {
      EXPECT_EQ(back->levels[i].name, chip->levels[i].name);
      EXPECT_EQ(back->levels[i].capacityBytes, chip->levels[i].capacityBytes);
      EXPECT_EQ(back->levels[i].reservedBytes, chip->levels[i].reservedBytes);
      EXPECT_EQ(back->levels[i].bandwidth, chip->levels[i].bandwidth);
      EXPECT_EQ(back->levels[i].addressSpace, chip->levels[i].addressSpace);
    }
    EXPECT_EQ(back->simSection, chip->simSection);
  }
}
