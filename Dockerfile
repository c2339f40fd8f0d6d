# goperf on a Jupyter docker-stacks image: JupyterLab, the goperf kernelspec and its renderer
# extension, Go and Node. JupyterHub's DockerSpawner and KubeSpawner start it as they start any
# docker-stacks image (jovyan, start-singleuser.sh); Enterprise Gateway's Kubernetes kernels can use
# it as their kernel image (README: "Under JupyterHub and Enterprise Gateway").
# Not built in CI (no container registry is reachable there); test/unit/container.test.ts checks
# that what it copies exists and that it installs with the README's commands.
FROM quay.io/jupyter/base-notebook:python-3.11

ARG GO_VERSION=1.26.8
ARG NODE_MAJOR=20

USER root
# util-linux gives prlimit and flock (the memory cap and the machine-wide benchmark lock).
RUN apt-get update -q && apt-get install -y -q --no-install-recommends util-linux ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
USER ${NB_UID}

# Go and Node from conda-forge, into the image's conda environment (on PATH for every kernel).
RUN mamba install --yes "go=${GO_VERSION}" "nodejs=${NODE_MAJOR}" && mamba clean --all -f -y

COPY --chown=${NB_UID}:${NB_GID} . /opt/goperf
WORKDIR /opt/goperf
# The README's install: npm ci builds goperf and the extension; the kernelspec and the extension
# then go into the image's environment (the environment's prefix), where every user's Jupyter finds them.
RUN npm ci \
 && node install.js --user --uninstall \
 && node install.js --prefix "$(python -c 'import sys; print(sys.prefix)')" \
 && npm cache clean --force

WORKDIR ${HOME}
