"""Nightshift every night: scores the night's rows (run.date = Airflow's {{ ds }}) on the Spark cluster.

Written against the documented API of Airflow 2 (2.4+) and 3 with the Apache Spark provider
(apache-airflow-providers-apache-spark). Install: see docs/deploy.md ("Airflow"). Copy this file,
nightly_args.py and nightly_args.json into the DAG folder; set in the workers' environment:

    NIGHTSHIFT_HOME      where Nightshift is installed (job/target/nightshift-job.jar, conf/, deploy/)
    NIGHTSHIFT_LAUNCHER  spark-submit (default): SparkSubmitOperator with the connection below;
                         bash: a PythonOperator running deploy/submit.sh (needs NIGHTSHIFT_MASTER)
    NIGHTSHIFT_SPARK_CONN_ID   the Spark connection (default spark_default), e.g. spark://host:7077

S3 endpoint and options go in the connection's extras or conf/spark-defaults.conf; credentials come
from the workers' AWS provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, role),
never from this file. The job's exit code decides what Airflow does (exit_policy below):

    0  ok
    1  failure (I/O, lost cluster...)           retried, with exponential backoff
    4  conflict: another run holds the table    retried after retry_delay, when the other run is done
    2  config or validation                     fails at once, no retry: it would fail the same way
    3  error budget exceeded                    fails at once, no retry: look at the data
"""

import os
import re
import shlex
import subprocess
import sys
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nightly_args  # noqa: E402  (beside this file in the DAG folder)

NIGHTSHIFT_HOME = os.environ.get("NIGHTSHIFT_HOME", "/opt/nightshift")
LAUNCHER = os.environ.get("NIGHTSHIFT_LAUNCHER", "spark-submit")
SPEC = nightly_args.spec()
# Airflow renders {{ ds }} in these (application_args and op_args are templated fields).
APPLICATION_ARGS = nightly_args.application_args(NIGHTSHIFT_HOME)

DEFAULT_ARGS = {
    "owner": "nightshift",
    "depends_on_past": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=4),
}

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:
    try:  # Airflow 2
        from airflow import DAG
    except ImportError:  # no Airflow here (the build's compile check): define nothing
        DAG = None


# Exit codes of the job (README, "Exit codes") that a retry cannot fix.
NO_RETRY_EXIT_CODES = {2: "config or validation failed", 3: "error budget exceeded"}
# Exit codes a retry can fix: a transient failure, and the table's lock held by another run.
RETRY_EXIT_CODES = {1: "failure", 4: "conflict: another run holds the table's lock"}


def exit_policy(code):
    """What Airflow does with the job's exit code: "ok", "retry" or "fail" (fail at once, no retry).

    An unknown non-zero code (a killed launcher, 137) is retried like exit 1.
    """
    if code == 0:
        return "ok"
    if code in NO_RETRY_EXIT_CODES:
        return "fail"
    return "retry"


def exit_code_from_message(message):
    """The spark-submit exit code in the SparkSubmitOperator's error ("... Error code is: 2."), or None."""
    m = re.search(r"Error code is: (-?\d+)", str(message))
    return int(m.group(1)) if m else None


def raise_for_exit(code, fail_exception, retry_exception):
    """Raises per exit_policy: fail_exception (no retry) for 2 and 3, retry_exception for 1, 4 and others."""
    policy = exit_policy(code)
    if policy == "ok":
        return
    what = NO_RETRY_EXIT_CODES.get(code) or RETRY_EXIT_CODES.get(code) or "failure"
    if policy == "fail":
        raise fail_exception(f"nightshift exited {code} ({what}): not retried, a retry would fail the same way")
    raise retry_exception(f"nightshift exited {code} ({what}): retried")


def run_submit(args, home=NIGHTSHIFT_HOME):
    """The bash launcher: deploy/submit.sh with the rendered args; returns its exit code."""
    return subprocess.run([os.path.join(home, "deploy/submit.sh")] + list(args), cwd=home, check=False).returncode


def bash_command(home=NIGHTSHIFT_HOME, args=None):
    """The bash launcher's command line: deploy/submit.sh with the same arguments (for a shell or a BashOperator)."""
    args = APPLICATION_ARGS if args is None else args
    # {{ ds }} must reach Airflow's renderer intact: quote every argument but keep the template.
    return " ".join([shlex.quote(os.path.join(home, "deploy/submit.sh"))] + [shlex.quote(a) for a in args])


if DAG is not None:
    with DAG(
        dag_id="nightshift_nightly",
        description="Batch inference of the night's rows with Nightshift",
        schedule="@daily",
        start_date=datetime(2026, 11, 1),
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["nightshift", "spark"],
    ) as dag:
        # Failing without retry is Airflow's documented AirflowFailException ("raise when the task
        # should be failed without retrying", airflow.exceptions); any other exception is retried
        # per the task's retries and retry_delay.
        from airflow.exceptions import AirflowException, AirflowFailException  # Airflow 2 and 3

        if LAUNCHER == "bash":
            try:  # Airflow 3 (standard provider)
                from airflow.providers.standard.operators.python import PythonOperator
            except ImportError:  # Airflow 2
                from airflow.operators.python import PythonOperator

            def score_with_submit(*args):
                # op_args is a templated field: {{ ds }} arrives rendered.
                raise_for_exit(run_submit(args), AirflowFailException, AirflowException)

            score = PythonOperator(
                task_id="score",
                python_callable=score_with_submit,
                op_args=APPLICATION_ARGS,
            )
        else:
            from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

            class NightshiftSparkSubmitOperator(SparkSubmitOperator):
                """SparkSubmitOperator whose failure is retried or not by the job's exit code."""

                def execute(self, context):
                    try:
                        return super().execute(context)
                    except AirflowFailException:
                        raise
                    except AirflowException as e:
                        code = exit_code_from_message(e)
                        raise_for_exit(1 if code is None else code, AirflowFailException, AirflowException)
                        raise

            score = NightshiftSparkSubmitOperator(
                task_id="score",
                conn_id=os.environ.get("NIGHTSHIFT_SPARK_CONN_ID", "spark_default"),
                application=nightly_args.home_path(NIGHTSHIFT_HOME, SPEC["application"]),
                java_class=SPEC["main_class"],
                properties_file=nightly_args.home_path(NIGHTSHIFT_HOME, SPEC["properties_file"]),
                application_args=APPLICATION_ARGS,
                name="nightshift-{{ ds }}",
                deploy_mode="client",
                verbose=False,
            )
