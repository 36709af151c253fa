# Sourced by the CTest scripts that run vigil over ../shared/data/real/: calls
# `$1 NAME FILES...` once per dataset, with the files the scripts use for it.
for_each_real_dataset() {
  local run=$1 real=$2
  "$run" ssh "$real/loghub-openssh-linux/OpenSSH_2k.log"
  "$run" lnx "$real/loghub-openssh-linux/Linux_2k.log"
  "$run" win "$real/winevt-otrf-purplesharp-ad/purplesharp_ad_playbook_I_security.jsonl"
  "$run" ct "$real/cloudtrail-otrf-aws/ec2_proxy_s3_exfiltration_2020-09-14011940.json"
  "$run" suri "$real/suricata-slips-test6/eve.json"
  "$run" apt29 "$real"/zeek-otrf-apt29-day1/*.log
  "$run" wrccdc "$real"/zeek-wrccdc2018/json/{ntlm,rdp,smb_mapping,smb_files,dce_rpc,kerberos,ssh,ftp,smtp,dpd}.json
}
