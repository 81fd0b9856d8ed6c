# Runs one libFuzzer target for a bounded time on a working copy of its seed
# corpus (in the build dir, so the source tree is never written). Fails when
# the fuzzer exits non-zero (crash, leak, timeout, OOM, sanitizer report).
# -DFUZZER=<exe> -DCORPUS_SRC=<dir> -DWORK_DIR=<dir> -DSECONDS=<n>
file(MAKE_DIRECTORY "${WORK_DIR}/corpus" "${WORK_DIR}/artifacts")
if(CORPUS_SRC AND EXISTS "${CORPUS_SRC}")
  file(COPY "${CORPUS_SRC}/" DESTINATION "${WORK_DIR}/corpus")
endif()
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          "-artifact_prefix=${WORK_DIR}/artifacts/" "${WORK_DIR}/corpus"
  WORKING_DIRECTORY "${WORK_DIR}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducers in ${WORK_DIR}/artifacts")
endif()
