# Sourced by ./braid and .ci/run: sets BRAID_JAVA_HOME to a JDK >= 21 (Braid uses virtual threads).
# Order: JAVA_HOME if it is one, the `java` on PATH, then JDKs installed in the usual places (newest first).

braid_java_version() { # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

braid_find_jdk() {
  local candidate version best="" best_version=0
  local preferred=()
  [ -n "${JAVA_HOME:-}" ] && preferred+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    preferred+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${preferred[@]}"; do            # JAVA_HOME, then PATH's java, when they qualify
    version=$(braid_java_version "$candidate")
    if [ -n "$version" ] && [ "$version" -ge 21 ]; then
      BRAID_JAVA_HOME=$candidate; BRAID_JAVA_VERSION=$version; return 0
    fi
  done
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do   # else the newest installed JDK
    [ -d "$candidate" ] || continue
    version=$(braid_java_version "$candidate")
    if [ -n "$version" ] && [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
      best=$candidate; best_version=$version
    fi
  done
  if [ -z "$best" ]; then
    echo "Braid needs a JDK 21 or newer (it runs branches on virtual threads), and none was found." >&2
    echo "Looked at JAVA_HOME, the java on PATH, /usr/lib/jvm, /opt, ~/.sdkman and /Library/Java." >&2
    echo "Install one, e.g. 'sudo apt-get install openjdk-21-jdk' or Temurin 21+ from adoptium.net," >&2
    echo "or set JAVA_HOME to a JDK 21+ you already have." >&2
    return 1
  fi
  BRAID_JAVA_HOME=$best
  BRAID_JAVA_VERSION=$best_version
}
