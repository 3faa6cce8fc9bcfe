"""Nightshift every night: scores the night's rows (run.date = Airflow's {{ ds }}) on the Spark cluster.

Written against the documented API of Airflow 2 (2.4+) and 3 with the Apache Spark provider
(apache-airflow-providers-apache-spark). Install: see docs/deploy.md ("Airflow"). Copy this file,
nightly_args.py and nightly_args.json into the DAG folder; set in the workers' environment:

    NIGHTSHIFT_HOME      where Nightshift is installed (job/target/nightshift-job.jar, conf/, deploy/)
    NIGHTSHIFT_LAUNCHER  spark-submit (default): SparkSubmitOperator with the connection below;
                         bash: BashOperator running deploy/submit.sh (needs NIGHTSHIFT_MASTER)
    NIGHTSHIFT_SPARK_CONN_ID   the Spark connection (default spark_default), e.g. spark://host:7077

S3 endpoint and options go in the connection's extras or conf/spark-defaults.conf; credentials come
from the workers' AWS provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, role),
never from this file. A non-zero exit of the job fails the task (0 ok, 2 config or validation,
3 error budget exceeded, 1 other); failed tasks are retried with exponential backoff.
"""

import os
import shlex
import sys
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nightly_args  # noqa: E402  (beside this file in the DAG folder)

NIGHTSHIFT_HOME = os.environ.get("NIGHTSHIFT_HOME", "/opt/nightshift")
LAUNCHER = os.environ.get("NIGHTSHIFT_LAUNCHER", "spark-submit")
SPEC = nightly_args.spec()
# Airflow renders {{ ds }} in these (application_args and bash_command are templated fields).
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


def bash_command(home=NIGHTSHIFT_HOME, args=None):
    """The BashOperator alternative: deploy/submit.sh with the same arguments; its exit code is the job's."""
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
        if LAUNCHER == "bash":
            try:  # Airflow 3 (standard provider)
                from airflow.providers.standard.operators.bash import BashOperator
            except ImportError:  # Airflow 2
                from airflow.operators.bash import BashOperator
            score = BashOperator(
                task_id="score",
                bash_command=bash_command(),
                cwd=NIGHTSHIFT_HOME,
                env={"NIGHTSHIFT_MASTER": os.environ.get("NIGHTSHIFT_MASTER", "")},
                append_env=True,
            )
        else:
            from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

            score = SparkSubmitOperator(
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
