# One image, two entry points: `orchestrator` and `worker` (any braid command works).
#   docker build -t braid:local .
#   docker run --rm braid:local worker --help
#
# Build stage: the whole reactor, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# Dependencies first, so source edits do not re-download them.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY registry/pom.xml registry/
COPY stack/pom.xml stack/
COPY test-support/pom.xml test-support/
COPY client/pom.xml client/
COPY tool-api/pom.xml tool-api/
COPY orchestrator/pom.xml orchestrator/
COPY worker/pom.xml worker/
COPY examples/travel-tools/pom.xml examples/travel-tools/
COPY cli/pom.xml cli/
COPY bench/pom.xml bench/
COPY spring/pom.xml spring/
COPY examples/spring/pom.xml examples/spring/
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=io.braid || true
COPY . .
RUN mvn -B -q -DskipTests package -pl cli,examples/travel-tools -am

# Runtime: a JRE, a non-root user, the CLI jar with its libraries, the example tool plugin.
FROM eclipse-temurin:21-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 braid \
    && useradd --system --uid 10001 --gid braid --home-dir /var/lib/braid --create-home braid
COPY --from=build /src/cli/target/braid-cli.jar /opt/braid/braid-cli.jar
COPY --from=build /src/cli/target/lib/ /opt/braid/lib/
COPY --from=build /src/examples/travel-tools/target/braid-travel-tools.jar /opt/braid/plugins/examples/
COPY --from=build /src/examples/docs/ /opt/braid/examples/docs/
# Container-aware memory: the heap follows the container's limit; die (and be restarted) on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    BRAID_STATE_DIR=/var/lib/braid/aggregator \
    BRAID_HEALTH_PORT=8080
USER 10001:10001
WORKDIR /var/lib/braid
EXPOSE 8080 8088
# Workers serve health on BRAID_WORKER_HTTP_PORT, the orchestrator on BRAID_ORCHESTRATOR_HTTP_PORT; set
# BRAID_HEALTH_PORT to the one in use (docker-compose.yml does).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${BRAID_HEALTH_PORT}/health/live" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/opt/braid/braid-cli.jar"]
CMD ["--help"]
