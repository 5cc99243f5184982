/**
 * What rules know about NCCL's failure texts beyond which lines they are (those are the signatures in
 * grammars/signatures.ts, read into signals).
 */

/** Meaning of an InfiniBand work-completion status, as NCCL prints it in `Got completion from peer ... status=N`. */
export const IB_STATUS: Record<number, string> = {
  4: "local protection error (LOC_PROT_ERR): memory registration or protection, often ACS/IOMMU breaking GPU Direct RDMA",
  5: "work request flushed (WR_FLUSH_ERR): a secondary error, the queue pair had already failed; look for the first completion error",
  9: "remote invalid request (REM_INV_REQ_ERR): the peer's adapter rejected the request",
  10: "remote access error (REM_ACCESS_ERR)",
  11: "remote operation error (REM_OP_ERR): the peer's adapter could not complete the request",
  12: "transport retry counter exceeded (RETRY_EXC_ERR): the peer or the link stopped answering, or NCCL_IB_TIMEOUT is too short",
  13: "receiver-not-ready retry counter exceeded (RNR_RETRY_EXC_ERR)",
};
